#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# t45's failover with every message encrypted (-o seal): the lost
# channel's requests go out again on the others, encrypted anew with the
# session's keys and fresh nonces.  tests/run --links 4 t46
SEAL=1 exec "$(dirname "$0")/t45-failover.sh"
