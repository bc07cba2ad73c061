# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by kunit/run (the KUnit kernel) and tests/debug/kernel (the
# sanitizer kernel): both build a kernel from Debian's linux-source-6.1 the
# same way and keep it in SMB3MC_CACHE (default /var/cache/smb3mc).
#
#   kb_need CMD|PATH PACKAGE   note PACKAGE as missing unless CMD or PATH is
#   kb_install                 install what is missing, build tools included
#   kb_tree NAME BASE FRAGMENT [FILE...]
#       sets kb_dir to $cache/NAME-<hash>, building it first unless cached:
#       the tarball is extracted and patched (kb_patch), configured with
#       `make BASE` and FRAGMENT merged over it, checked that every line of
#       FRAGMENT survived olddefconfig, built, handed to the function named
#       by kb_post (if set) in its directory, and renamed into place. The
#       hash covers FRAGMENT, BASE, this file (it carries the patch), the
#       FILEs (what kb_post runs from) and the source package's version.

kb_tarball=/usr/src/linux-source-6.1.tar.xz
kb_cache=${SMB3MC_CACHE:-/var/cache/smb3mc}
kb_lib=${BASH_SOURCE[0]}
kb_missing=()
kb_post=

kb_die() { echo "kbuild: $*" >&2; exit 1; }
kb_make() { make -C "$1" ARCH=x86_64 "${@:2}"; }

kb_need() {
	if [[ $1 == /* ]]; then [[ -e $1 ]]; else command -v "$1" >/dev/null; fi ||
		kb_missing+=("$2")
}

# Install only what is missing: CI machines may be fresh, and apt-get is slow
# and takes a lock that other jobs on this machine may hold.
kb_install() {
	kb_need "$kb_tarball" linux-source-6.1
	kb_need make make
	kb_need gcc gcc
	kb_need bc bc
	kb_need flex flex
	kb_need bison bison
	kb_need patch patch
	kb_need xz xz-utils
	kb_need python3 python3
	kb_need /usr/include/libelf.h libelf-dev
	kb_need /usr/include/openssl/ssl.h libssl-dev
	((${#kb_missing[@]})) || return 0
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update
	apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
		"${kb_missing[@]}" </dev/null
	kb_missing=()
}

# 6.1 runs a module's suites as they come, unfiltered and without a KTAP
# header (both came in 6.6). Route them through the executor so that
# kunit.filter_glob applies and the parser gets a plan. CRYPTO_LIB_ARC4 gets
# a prompt: upstream only networking options select it.
kb_patch() {
	patch -s -p1 --no-backup-if-mismatch <<'EOF'
--- a/lib/kunit/executor.c
+++ b/lib/kunit/executor.c
@@ -221,6 +221,24 @@
 	return err;
 }
 
+/* Module suites: same filter and KTAP framing as built-in ones (as in 6.6). */
+void kunit_run_module_suites(struct kunit_suite * const *suites, int num)
+{
+	struct suite_set suite_set = {suites, suites + num};
+	int err = 0;
+
+	if (!num || !kunit_enabled())
+		return;
+	if (filter_glob_param)
+		suite_set = kunit_filter_suites(&suite_set, filter_glob_param, &err);
+	if (err)
+		pr_err("kunit executor: error filtering suites: %d\n", err);
+	else
+		kunit_exec_run_tests(&suite_set);
+	if (filter_glob_param)
+		kunit_free_suite_set(suite_set);
+}
+
 #if IS_BUILTIN(CONFIG_KUNIT_TEST)
 #include "executor_test.c"
 #endif
--- a/lib/kunit/test.c
+++ b/lib/kunit/test.c
@@ -650,9 +650,11 @@
 EXPORT_SYMBOL_GPL(__kunit_test_suites_exit);
 
 #ifdef CONFIG_MODULES
+void kunit_run_module_suites(struct kunit_suite * const *suites, int num);
+
 static void kunit_module_init(struct module *mod)
 {
-	__kunit_test_suites_init(mod->kunit_suites, mod->num_kunit_suites);
+	kunit_run_module_suites(mod->kunit_suites, mod->num_kunit_suites);
 }
 
 static void kunit_module_exit(struct module *mod)
--- a/lib/crypto/Kconfig
+++ b/lib/crypto/Kconfig
@@ -9,7 +9,7 @@
 	tristate
 
 config CRYPTO_LIB_ARC4
-	tristate
+	tristate "ARC4 library"
 
 config CRYPTO_ARCH_HAVE_LIB_BLAKE2S
 	bool
EOF
}

# olddefconfig drops silently what lacks its dependencies.
kb_verify() { # tree fragment
	local line opt want got bad=0
	while read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Z0-9_]+)=(.*)$ ]]; then
			opt=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]} want=n
		else
			continue
		fi
		got=$(sed -n "s/^$opt=//p" "$1/.config")
		[[ ${got:-n} == "$want" ]] ||
			{ echo "kbuild: $opt=${got:-n}, wanted $want" >&2; bad=1; }
	done <"$2"
	((!bad)) || kb_die "$2 did not survive olddefconfig"
}

kb_build() { # name base fragment
	# Built under a temporary name and renamed when complete, so an
	# interrupted build is never taken for a cached one.
	local tmp
	tmp=$(mktemp -d "$kb_dir.tmp.XXXXXX")
	# shellcheck disable=SC2064 # $tmp is meant to expand now
	trap "rm -rf '$tmp'" EXIT
	trap 'exit 1' INT TERM HUP
	echo "kbuild: building the $1 kernel in $tmp"
	tar -xJf "$kb_tarball" -C "$tmp" --strip-components=1
	(cd "$tmp" && kb_patch)
	kb_make "$tmp" "$2" >/dev/null
	(cd "$tmp" && scripts/kconfig/merge_config.sh -m .config "$3" >/dev/null)
	kb_make "$tmp" olddefconfig >/dev/null
	kb_verify "$tmp" "$3"
	kb_make "$tmp" -j"$(nproc)" >"$tmp/build.log" 2>&1 ||
		{ tail -n 40 "$tmp/build.log" >&2; kb_die "$1 kernel build failed"; }
	[[ -z $kb_post ]] || (cd "$tmp" && "$kb_post") ||
		kb_die "$1 kernel: $kb_post failed"
	mv -T "$tmp" "$kb_dir"
	trap - EXIT INT TERM HUP
}

kb_tree() { # name base fragment [file...]
	local srcver hash
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	hash=$({ cat "$3" "$kb_lib" "${@:4}"; echo "$2 $srcver"; } |
		sha256sum | cut -c1-16)
	kb_dir=$kb_cache/$1-$hash
	[[ ! -d $kb_dir ]] || return 0
	# Runs started together wait for one build instead of each doing it.
	mkdir -p "$kb_cache"
	exec 9>"$kb_dir.lock"
	flock 9
	[[ -d $kb_dir ]] || kb_build "$1" "$2" "$3"
	exec 9>&-
}
