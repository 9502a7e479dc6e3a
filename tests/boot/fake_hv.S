/* Stand-in for a Multiboot hypervisor: prints a line on COM1, then writes
 * EXIT_VALUE to the isa-debug-exit port (or halts forever if EXIT_VALUE < 0). */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x0
	.section .text
	.code32
	.globl _start
	.align 4
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
_start:
	lea msg, %esi
1:	lodsb
	test %al, %al
	jz 2f
	mov $0x3f8, %dx
	outb %al, %dx
	jmp 1b
2:
#if EXIT_VALUE >= 0
	mov $EXIT_VALUE, %eax
	mov $0xf4, %dx
	outl %eax, %dx
#endif
3:	cli
	hlt
	jmp 3b
msg:	.asciz "fake hv: hello\r\nfake hv: bye\r\n"
