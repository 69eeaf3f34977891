/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest helper of tests/e2e/input.sh: prints "ABS axis min max fuzz flat res"
 * for every absolute axis of /tmp/vd-evdev (a link to the device's node), as
 * EVIOCGABS reports it. The busybox guest has no evtest, and no C library,
 * so this is built freestanding, static, for x86_64, with raw system calls.
 */
#include <linux/input.h>

static long
vd_syscall3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
	                 : "=a"(r)
	                 : "a"(n), "D"(a), "S"(b), "d"(c)
	                 : "rcx", "r11", "memory");
	return r;
}

#define SYS_write 1
#define SYS_open 2
#define SYS_ioctl 16
#define SYS_exit 60

static char vd_buf[4096];
static unsigned int vd_len;

static void
vd_puts(const char *s)
{
	while (*s && vd_len < sizeof(vd_buf))
		vd_buf[vd_len++] = *s++;
}

static void
vd_putn(long v)
{
	char tmp[24];
	int i = 0;
	unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;

	if (v < 0)
		vd_puts("-");
	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (i > 0) {
		char c[2] = { tmp[--i], 0 };

		vd_puts(c);
	}
}

void vd_start(void) __attribute__((noreturn, force_align_arg_pointer));

void
vd_start(void)
{
	unsigned long bits[1] = { 0 };
	long fd = vd_syscall3(SYS_open, (long)"/tmp/vd-evdev", 0, 0);
	int rc = 1;

	if (fd >= 0 &&
	    vd_syscall3(SYS_ioctl, fd, EVIOCGBIT(EV_ABS, sizeof(bits)), (long)bits) >= 0) {
		rc = 0;
		for (int a = 0; a < 64; a++) {
			struct input_absinfo ai;

			if (!(bits[0] & (1ul << a)))
				continue;
			if (vd_syscall3(SYS_ioctl, fd, EVIOCGABS(a), (long)&ai) < 0) {
				rc = 1;
				continue;
			}
			vd_puts("ABS ");
			vd_putn(a);
			vd_puts(" ");
			vd_putn(ai.minimum);
			vd_puts(" ");
			vd_putn(ai.maximum);
			vd_puts(" ");
			vd_putn(ai.fuzz);
			vd_puts(" ");
			vd_putn(ai.flat);
			vd_puts(" ");
			vd_putn(ai.resolution);
			vd_puts("\n");
		}
	} else {
		vd_puts("absinfo: cannot open or query /tmp/vd-evdev\n");
	}
	vd_syscall3(SYS_write, 1, (long)vd_buf, vd_len);
	vd_syscall3(SYS_exit, rc, 0, 0);
	__builtin_unreachable();
}
