// SIGINT, SIGTERM and SIGHUP end the workbench the way Ctrl+Q does: the
// frame loop stops, the layout is saved, and the session's destructor ends
// the QEMU it launched and removes its guest-RAM file. (SIGKILL cannot be
// caught: ChildProcess covers that with a parent-death signal.)
#pragma once

namespace glass::gui {

// Installs the handlers; call once, before the frame loop.
void install_stop_signals();

// The signal that asked the workbench to stop, 0 while none has.
int stop_signal();

} // namespace glass::gui
