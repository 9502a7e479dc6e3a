// Handlers of the command table, one family per file:
//   cmd_registers.cpp  ? g G p P            cmd_memory.cpp   m M X
//   cmd_resume.cpp     c s C S vCont k D     cmd_break.cpp    Z z
//   cmd_threads.cpp    H T qC qfThreadInfo qXfer:threads
//   cmd_query.cpp      qSupported QStartNoAckMode qXfer:features qAttached
//   cmd_glasshouse.cpp qGlasshouse.*      cmd_inject.cpp  qGlasshouse.inject*
#pragma once

#include "gdbstub/command_table.hpp"

namespace gdb {

void cmd_halt_reason(Context&, const Args&);
void cmd_read_registers(Context&, const Args&);
void cmd_write_registers(Context&, const Args&);
void cmd_read_register(Context&, const Args&);
void cmd_write_register(Context&, const Args&);

void cmd_read_memory(Context&, const Args&);
void cmd_write_memory(Context&, const Args&);

void cmd_continue(Context&, const Args&);
void cmd_step(Context&, const Args&);
void cmd_continue_signal(Context&, const Args&);
void cmd_step_signal(Context&, const Args&);
void cmd_vcont_query(Context&, const Args&);
void cmd_vcont(Context&, const Args&);
void cmd_kill(Context&, const Args&);
void cmd_vkill(Context&, const Args&);
void cmd_detach(Context&, const Args&);

void cmd_insert_break(Context&, const Args&);
void cmd_remove_break(Context&, const Args&);

void cmd_set_g_thread(Context&, const Args&);
void cmd_set_c_thread(Context&, const Args&);
void cmd_thread_alive(Context&, const Args&);
void cmd_current_thread(Context&, const Args&);
void cmd_thread_info_first(Context&, const Args&);
void cmd_thread_info_next(Context&, const Args&);
void cmd_xfer_threads(Context&, const Args&);

void cmd_supported(Context&, const Args&);
void cmd_start_no_ack(Context&, const Args&);
void cmd_xfer_features(Context&, const Args&);
void cmd_attached(Context&, const Args&);

void cmd_gh_version(Context&, const Args&);
void cmd_gh_domains(Context&, const Args&);
void cmd_gh_pause(Context&, const Args&);
void cmd_gh_unpause(Context&, const Args&);
void cmd_gh_layout(Context&, const Args&);
void cmd_gh_attach(Context&, const Args&);
void cmd_gh_trace_start(Context&, const Args&);
void cmd_gh_trace_filter(Context&, const Args&);
void cmd_gh_trace_stop(Context&, const Args&);
void cmd_gh_trace_status(Context&, const Args&);

void cmd_inject(Context&, const Args&);
void cmd_inject_cancel(Context&, const Args&);
void cmd_injections(Context&, const Args&);

// Parses "offset,length" of a qXfer read (after the annex and its ':').
bool parse_xfer_window(const char* p, usize len, u64& offset, u64& length);

} // namespace gdb
