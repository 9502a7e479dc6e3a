#!/usr/bin/env bash
# Regenerates the README's workbench screenshots: the demo scenario in
# QEMU, the workbench driven by a script under Xvfb (a real window): one
# whole-window overview at 1920x1080, then each panel's tile; then the disk
# scenario for the I/O rings panel and the inject scenario for the
# fault-injection panel.
# Usage: docs/screenshots/capture.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
out=$root/docs/screenshots
ini=$(mktemp)
trap 'rm -f "$ini"' EXIT
script="wait-domains 4 3000; wait 120; select 1;
screenshot $out/overview.png;
focus Memory map; wait 20; screenshot-panel Memory map: $out/memory-map.png;
frame-class l4 1; focus Frame; wait 10; screenshot-panel Frame: $out/frame.png;
va ffffffff80100000; focus Page tables; wait 10; screenshot-panel Page tables: $out/page-tables.png;
select 3; focus Event channels; wait 30; screenshot-panel Event channels: $out/event-channels.png;
select 1; focus Disassembly; wait 10; screenshot-panel Disassembly: $out/disassembly.png;
focus Console; wait 5; screenshot-panel Console: $out/console.png;
focus Domains; pause 1; wait-paused 1 3000; wait 10; screenshot-panel Domains: $out/domains-paused.png;
unpause 1; wait-running 1 3000; quit"
xvfb-run -a -s "-screen 0 1920x1080x24" "$build/gui/glass-workbench" --launch demo \
    --size 1920x1080 --ini "$ini" --script "$script"
# The I/O rings panel needs a block device: the disk scenario (dom0 serves
# a RAM disk to a soaking d1).
rings="wait-domains 3 3000; wait 120; select 1; focus I/O rings; wait 30;
screenshot-panel I/O rings: $out/io-rings.png; quit"
xvfb-run -a -s "-screen 0 1920x1080x24" "$build/gui/glass-workbench" --launch disk \
    --size 1920x1080 --ini "$ini" --script "$rings"
# The fault-injection panel needs the observer domU: the inject scenario.
# A #PF and a failing hypercall fire; an NMI waits for a call that never
# comes, so the table shows done and armed rows.
P="Fault injection"
inject="wait-domains 3 3000; wait 60; select 1; focus $P;
panel $P: arm pf cr2=0xdead0000 error=2; panel $P: wait done;
panel $P: arm hypercall-fail hc=memory_op.current_reservation errno=EIO; panel $P: wait done;
panel $P: arm nmi on=memory_op after=4000000000; panel $P: wait armed; wait 20;
screenshot-panel $P: $out/fault-injection.png; quit"
xvfb-run -a -s "-screen 0 1920x1080x24" "$build/gui/glass-workbench" --launch inject \
    --size 1920x1080 --ini "$ini" --script "$inject"
ls -l "$out"/*.png
