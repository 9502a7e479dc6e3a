// Connection-level queries: qSupported, QStartNoAckMode, qAttached and the
// target description (qXfer:features:read).
#include "gdbstub/commands.hpp"
#include "gdbstub/packet_reader.hpp"
#include "gdbstub/target_xml.hpp"

namespace gdb {

namespace {

bool feature_is(const char* p, usize n, const char* name) {
    usize i = 0;
    for (; name[i]; ++i) {
        if (i == n || p[i] != name[i]) return false;
    }
    return i == n;
}

} // namespace

void cmd_supported(Context& ctx, const Args& a) {
    ctx.peer = PeerFeatures{};
    if (a.count) {
        const char* p = a[0].data;
        const char* end = p + a[0].len;
        while (p < end) {
            const char* q = p;
            while (q < end && *q != ';')
                ++q;
            usize n = static_cast<usize>(q - p);
            if (feature_is(p, n, "swbreak+")) ctx.peer.swbreak = true;
            if (feature_is(p, n, "hwbreak+")) ctx.peer.hwbreak = true;
            if (feature_is(p, n, "error-message+")) ctx.peer.error_message = true;
            p = q + 1;
        }
    }
    ctx.reply.put("PacketSize=");
    ctx.reply.put_hex(kMaxPacket);
    ctx.reply.put(";qXfer:features:read+;qXfer:threads:read+;QStartNoAckMode+;vContSupported+");
    if (ctx.peer.swbreak) ctx.reply.put(";swbreak+");
    if (ctx.peer.hwbreak) ctx.reply.put(";hwbreak+");
    if (ctx.peer.error_message) ctx.reply.put(";error-message+");
}

void cmd_start_no_ack(Context& ctx, const Args&) {
    // This reply is still acknowledged; the session stops acking after it.
    ctx.start_no_ack = true;
    ctx.reply.put("OK");
}

void cmd_attached(Context& ctx, const Args&) {
    // We attached to something already running, so gdb's `quit` detaches
    // instead of killing the domain.
    ctx.reply.put('1');
}

void cmd_xfer_features(Context& ctx, const Args& a) {
    const char kAnnex[] = "target.xml:";
    constexpr usize kAnnexLen = sizeof(kAnnex) - 1;
    u64 offset = 0, length = 0;
    if (a[0].len < kAnnexLen || !feature_is(a[0].data, kAnnexLen, kAnnex)) {
        return ctx.reply.put("E00"); // unknown annex, as the protocol spells it
    }
    if (!parse_xfer_window(a[0].data + kAnnexLen, a[0].len - kAnnexLen, offset, length)) {
        return ctx.error(Error::Malformed);
    }
    ctx.reply.put('l');
    DocWindow doc(ctx.reply, offset, length);
    write_target_xml(doc);
    if (!doc.complete()) ctx.reply.patch(0, 'm');
}

} // namespace gdb
