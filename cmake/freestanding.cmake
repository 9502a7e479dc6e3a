# Flags for code that runs without an OS underneath: the hypervisor (ring 0)
# and our PV guest kernel. No exceptions or RTTI, no red zone (interrupts and
# the hypervisor's own entry code push onto the current stack), no SSE (the
# hypervisor never saves guest FPU state on entry), no stack protector or
# runtime library.
set(GLASS_FREESTANDING_CXX_FLAGS
  -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics
  -fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables
  -mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx -mno-80387
  -fno-use-cxa-atexit
  -fno-omit-frame-pointer -ggdb
  ${GLASS_WARNINGS})

# glass_freestanding_executable(target LINKER_SCRIPT script CODE_MODEL model
#                               SOURCES ...)
function(glass_freestanding_executable target)
  cmake_parse_arguments(ARG "" "LINKER_SCRIPT" "CODE_MODEL;SOURCES;DEFINES" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${target} PRIVATE GLASS_FREESTANDING=1 ${ARG_DEFINES})
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${GLASS_FREESTANDING_CXX_FLAGS} ${ARG_CODE_MODEL}>
    $<$<COMPILE_LANGUAGE:ASM>:-ggdb ${ARG_CODE_MODEL}>)
  set_target_properties(${target} PROPERTIES LINK_DEPENDS ${ARG_LINKER_SCRIPT})
  target_link_options(${target} PRIVATE
    -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096
    -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T ${ARG_LINKER_SCRIPT})
  target_link_libraries(${target} PRIVATE gcc)
endfunction()
