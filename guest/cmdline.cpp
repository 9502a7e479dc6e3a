#include "guest/cmdline.hpp"

#include "guest/console.hpp"
#include "hv/abi/xen.hpp"
#include "hv/lib/string.hpp"

namespace guest {
namespace {

// A word of the command line: not NUL-terminated, so compare by length.
struct Word {
    const char* text;
    usize len;

    bool is(const char* s) const { return strlen(s) == len && memcmp(text, s, len) == 0; }
    bool starts_with(const char* prefix) const {
        usize n = strlen(prefix);
        return n <= len && memcmp(text, prefix, n) == 0;
    }
    Word after(usize n) const { return {text + n, len - n}; }
};

bool parse_shutdown(Word value, BootOptions& out) {
    if (value.is("poweroff"))
        out.shutdown = xen::SHUTDOWN_poweroff;
    else if (value.is("reboot"))
        out.shutdown = xen::SHUTDOWN_reboot;
    else if (value.is("crash"))
        out.shutdown = xen::SHUTDOWN_crash;
    else
        return false;
    return true;
}

bool parse_fault(Word value, BootOptions& out) {
    if (value.is("pf"))
        out.fault = Fault::page_fault;
    else if (value.is("ud"))
        out.fault = Fault::invalid_opcode;
    else if (value.is("bp"))
        out.fault = Fault::breakpoint;
    else
        return false;
    return true;
}

bool parse_count(Word value, u32& out) {
    u32 n = 0;
    for (usize i = 0; i < value.len; i++) {
        if (value.text[i] < '0' || value.text[i] > '9' || n > 1000000) return false;
        n = n * 10 + static_cast<u32>(value.text[i] - '0');
    }
    out = n;
    return n != 0;
}

bool parse_word(Word word, BootOptions& out) {
    if (word.is("traps")) {
        out.traps = true;
        return true;
    }
    if (word.is("mmtest")) {
        out.mmtest = true;
        return true;
    }
    if (word.is("mmbench")) {
        out.mmbench = true;
        return true;
    }
    if (word.is("timer")) {
        out.timer = true;
        return true;
    }
    if (word.is("rtc")) return out.rtc = true;
    if (parse_cpu_option(word.text, word.len, out.cpu)) return true;
    if (parse_probe_option(word.text, word.len, out.probe)) return true;
    if (word.starts_with("start=")) {
        DomUSpec spec;
        if (out.scenario.count == kMaxDomUs || !parse_domu_spec(word.text + 6, word.len - 6, spec))
            return false;
        out.scenario.domus[out.scenario.count++] = spec;
        return true;
    }
    if (word.starts_with("measure="))
        return parse_measure_spec(word.text + 8, word.len - 8, out.scenario);
    if (word.is("pausecheck")) {
        out.scenario.pause_check = true;
        return true;
    }
    if (word.is("spin")) {
        out.spin = true;
        return true;
    }
    if (word.starts_with("churn="))
        return parse_churn_spec(word.text + 6, word.len - 6, out.scenario);
    if (word.is("wpt")) {
        out.wpt = true;
        return true;
    }
    if (word.is("blkback")) {
        out.scenario.blk_backend = true;
        return true;
    }
    if (word.starts_with("beat=")) return parse_count(word.after(5), out.beat_ms);
    if (word.starts_with("inject=")) return parse_count(word.after(7), out.inject_ms);
    if (word.starts_with("blk=")) return parse_count(word.after(4), out.blk.blocks);
    if (word.starts_with("blkbench=")) return parse_count(word.after(9), out.blk.bench_reqs);
    if (word.starts_with("blksoak=")) return parse_count(word.after(8), out.blk.soak_rounds);
    if (word.is("balloon")) return out.balloon = true;
    if (word.is("scenario")) return out.scenario.orchestrate = true;
    if (word.is("consoles")) return out.scenario.consoles = true;
    if (word.starts_with("shutdown=")) return parse_shutdown(word.after(9), out);
    if (word.starts_with("fault=")) return parse_fault(word.after(6), out);
    return false;
}

} // namespace

BootOptions parse_cmdline(const char* cmdline) {
    BootOptions options;
    // start_info.cmd_line is a fixed array the builder NUL-terminates; bound
    // the scan anyway so a broken builder can't walk us off the page.
    usize pos = 0;
    while (pos < xen::MAX_GUEST_CMDLINE && cmdline[pos]) {
        if (cmdline[pos] == ' ') {
            pos++;
            continue;
        }
        usize start = pos;
        while (pos < xen::MAX_GUEST_CMDLINE && cmdline[pos] && cmdline[pos] != ' ')
            pos++;
        Word word{cmdline + start, pos - start};
        if (!parse_word(word, options)) {
            // hv/lib/format has no "%.*s": copy the word out to print it.
            char text[64];
            usize n = word.len < sizeof(text) - 1 ? word.len : sizeof(text) - 1;
            memcpy(text, word.text, n);
            text[n] = '\0';
            printk("Glasshouse guest: ignoring unknown option '%s'\n", text);
        }
    }
    return options;
}

const char* shutdown_reason_name(xen::ShutdownReason reason) {
    return xen::shutdown_reason_name(reason);
}

const char* fault_name(Fault fault) {
    switch (fault) {
    case Fault::none:
        return "none";
    case Fault::page_fault:
        return "pf";
    case Fault::invalid_opcode:
        return "ud";
    case Fault::breakpoint:
        return "bp";
    }
    return "?";
}

} // namespace guest
