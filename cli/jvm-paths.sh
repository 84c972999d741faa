# Sourced by ./mxj and bench/frontend-steps: how a JVM running mxj's script hosts is laid out.
# Polyglot (GraalVM) jars go on the module path and the Graal compiler apart (it goes on the
# upgrade module path, or the module path of a JDK linked without the empty compiler module,
# with JVMCI enabled): that turns on Truffle's optimising runtime. Everything else stays on the
# class path.

# JVM flags every such JVM gets. GCTimeRatio=4 lets G1 spend up to 20% of the time collecting
# before it grows the heap (default 12: ~8%). Scripts free their arrays through the GC, and each
# freed array's bookkeeping survives one young collection, so with the default G1 kept growing
# the heap (to 3.5 GB and more in 40 s of `x + 1`), and the script thread paid for first touching
# every new page: stretches of seconds at 3-5x the CPU per operation (bench/README.md).
mxj_base_flags=(--enable-native-access=ALL-UNNAMED,org.graalvm.truffle --sun-misc-unsafe-memory-access=allow
  -XX:GCTimeRatio=4)

# split_classpath FILE: reads a Maven class path file (entries separated by ':') into the array
# classpath_entries, appends the class path entries to $class_path and sets $module_path
# (':'-separated) and $compiler (the Graal compiler jar, or empty).
split_classpath() {
  local entry
  module_path="" compiler=""
  IFS=: read -r -a classpath_entries <"$1" || true # no trailing newline
  for entry in "${classpath_entries[@]}"; do
    case "$entry" in
      *.pom) ;; # aggregator artifacts (python-community, js-community) carry no classes
      */org/graalvm/compiler/compiler/*) compiler=$entry ;;
      */org/graalvm/* | */org/bouncycastle/*) module_path=${module_path:+$module_path:}$entry ;;
      *) class_path=${class_path:+$class_path:}$entry ;;
    esac
  done
}

# stock_jdk_flags: sets the array stock_flags to what the stock JDK needs for that layout: the
# module path, and with a compiler JVMCI and the compiler on the upgrade module path (JDK 25's own
# jdk.graal.compiler module is empty). Needs split_classpath first.
stock_jdk_flags() {
  stock_flags=()
  [ -n "$module_path" ] || return 0
  stock_flags=(--module-path "$module_path" --add-modules ALL-MODULE-PATH)
  [ -z "$compiler" ] || stock_flags+=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path "$compiler")
}
