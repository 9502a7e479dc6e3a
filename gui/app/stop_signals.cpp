#include "gui/app/stop_signals.hpp"

#include <csignal>
#include <initializer_list>

namespace glass::gui {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig) {
    // A second signal while the loop winds down: the user means it now.
    if (g_stop_signal) std::signal(sig, SIG_DFL);
    g_stop_signal = sig;
}

} // namespace

void install_stop_signals() {
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        sigaction(sig, &sa, nullptr);
}

int stop_signal() {
    return g_stop_signal;
}

} // namespace glass::gui
