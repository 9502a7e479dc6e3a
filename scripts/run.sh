#!/usr/bin/env bash
# The main job: installs what is missing, builds everything, then opens the
# Glasshouse workbench on the default scenario: the hypervisor under QEMU
# with our guest as domain 0 starting domUs that keep working (a CPU
# spinner, an event-channel ping-pong pair), shown live (gui/README.md).
#
#   run.sh                        the workbench on the 'demo' scenario
#   run.sh --scenario NAME|FILE   another scenario (glass-workbench --list-scenarios)
#   run.sh --console [GUEST OPTS] no window: the serial console, as before
#                                 (default guest options "shutdown=poweroff")
#   run.sh GUEST OPTS...          words without "--" are guest options: console
#
# Other --options go to the workbench (glass-workbench --help).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GLASS_BUILD_DIR:-$root/build}

console=0
scenario=demo
workbench_args=()
guest_words=()
while [ $# -gt 0 ]; do
  case "$1" in
    --console) console=1 ;;
    --scenario)
      [ $# -ge 2 ] || { echo "run.sh: --scenario wants a name or a file" >&2; exit 2; }
      scenario=$2; shift ;;
    --script|--ini|--size|--open|--screenshot|--after-frames|--font-size|--fps|--bench-frames)
      [ $# -ge 2 ] || { echo "run.sh: $1 wants a value" >&2; exit 2; }
      workbench_args+=("$1" "$2"); shift ;;
    --*) workbench_args+=("$1") ;;
    *) guest_words+=("$1") ;;
  esac
  shift
done
[ ${#guest_words[@]} -gt 0 ] && console=1

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja >/dev/null
cmake --build "$build"

if [ "$console" = 1 ]; then
  guest_args=${guest_words[*]:-shutdown=poweroff}
  exec python3 "$root/tests/boot/glasshouse_qemu.py" \
      --hv "$build/hv/hv.bin" --hv-args "loglvl=info" \
      --module "$build/guest/guest.elf $guest_args" --timeout 60
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<MSG
run.sh: no display: DISPLAY is not set, so the workbench window cannot open.
  For the serial console instead:   bash scripts/run.sh --console [guest options]
  For the workbench without a screen: xvfb-run -a bash scripts/run.sh
MSG
  exit 2
fi
if [ ! -x "$build/gui/glass-workbench" ]; then
  echo "run.sh: $build/gui/glass-workbench was not built (GLASS_BUILD_GUI=OFF?);" \
       "use: bash scripts/run.sh --console" >&2
  exit 2
fi
exec "$build/gui/glass-workbench" --launch "$scenario" "${workbench_args[@]}"
