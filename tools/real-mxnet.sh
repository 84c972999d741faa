#!/usr/bin/env bash
# Sets up the real Apache MXNet 1.9.1 Python package next to this checkout and runs a script with
# it, printing what real MXNet prints. For recording reference outputs only; no build or CI step
# uses it (the MXNet sources come from a local clone of apache/mxnet, never from this repository).
#
#   tools/real-mxnet.sh MXNET_CLONE SCRIPT.py [ARGS]
#
# MXNET_CLONE is a git clone (or mirror) of https://github.com/apache/mxnet; its tag 1.9.1's
# python/ directory is extracted to target/real-mxnet. libmxnet.so is the CPU build the parity
# module extracts from Maven Central (ai.djl.mxnet:mxnet-native-mkl:1.9.1): run the parity
# tests once first. CPython needs numpy (present on these machines).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clone=${1:?usage: tools/real-mxnet.sh MXNET_CLONE SCRIPT.py [ARGS]}
shift
home=$root/target/real-mxnet
lib=$(find "$root/parity/target/mxnet-native" -name libmxnet.so 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "real-mxnet: no libmxnet.so under parity/target/mxnet-native; run the parity tests first" >&2; exit 1; }
if [ ! -d "$home/python/mxnet" ]; then
  mkdir -p "$home"
  git -C "$clone" archive 1.9.1 python | tar -x -C "$home"
fi
ln -sfn "$lib" "$home/python/mxnet/libmxnet.so"
export MXJ_REAL_MXNET_HOME=$home LD_LIBRARY_PATH=$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
exec python3 -W ignore "$root/tools/real_mxnet.py" "$@"
