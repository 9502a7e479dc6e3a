// The target description gdb reads with qXfer:features:read:target.xml.
// Generated from the register table (registers.cpp) so the XML, the 'g'
// layout and the 'p' numbers cannot disagree.
#pragma once

#include "gdbstub/writer.hpp"

namespace gdb {

void write_target_xml(DocWindow& doc);

} // namespace gdb
