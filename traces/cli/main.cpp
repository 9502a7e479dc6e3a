// glass-trace: `glass trace` as a program of its own.
#include "traces/cli/trace_main.hpp"

int main(int argc, char** argv) {
    return glass_trace_main(argc, argv);
}
