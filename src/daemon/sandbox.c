/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "daemon"

#include "daemon/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <linux/landlock.h>
#include <glib/gi18n.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * What every daemon does once it serves: GLib's main loop and its worker
 * threads, the vhost-user socket (fds come and go with SCM_RIGHTS), guest
 * memory mapped from memfds, the D-Bus control socket, logging, exit. Why each
 * is there: docs/sandbox.md. execve, ptrace, mount, bpf, module loading,
 * sockets other than AF_UNIX and anything not named here are refused.
 */
static const char *const common_syscalls[] = {
	/* files and fds (the memory table's fds, eventfds, sockets) */
	"read",
	"write",
	"readv",
	"writev",
	"pread64",
	"pwrite64",
	"close",
	"close_range",
	"fstat",
	"newfstatat",
	"statx",
	"lseek",
	"fcntl",
	"dup",
	"dup2",
	"dup3",
	"pipe2",
	"eventfd2",
	"open",
	"openat",
	"stat",
	"lstat",
	"access",
	"readlink",
	"readlinkat",
	"faccessat",
	"faccessat2",
	"getdents64",
	"getcwd",
	"unlink",
	"unlinkat",
	"ftruncate",
	"fallocate",
	"memfd_create",
	"ioctl",
	"fstatfs",
	/* memory: guest RAM, the heap, thread stacks */
	"mmap",
	"munmap",
	"mremap",
	"mprotect",
	"madvise",
	"brk",
	"membarrier",
	/* waiting: GLib's main loop, threads, timers */
	"poll",
	"ppoll",
	"epoll_create1",
	"epoll_ctl",
	"epoll_wait",
	"epoll_pwait",
	"futex",
	"clock_gettime",
	"clock_getres",
	"clock_nanosleep",
	"nanosleep",
	"gettimeofday",
	"sched_yield",
	"sched_getaffinity",
	"restart_syscall",
	/* GLib's thread pools give a new thread the scheduler settings of its creator */
	"sched_getattr",
	"sched_setattr",
	/* threads (GLib's pools, GDBus) */
	"clone",
	"clone3",
	"set_robust_list",
	"rseq",
	"exit",
	"exit_group",
	"gettid",
	"sigaltstack",
	"prctl",
	/* signals (SIGTERM, SIGINT through g_unix_signal_add) */
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigreturn",
	"tgkill",
	/* identity and limits (GLib, D-Bus authentication) */
	"getpid",
	"getppid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getresuid",
	"getresgid",
	"getrandom",
	"uname",
	"prlimit64",
	"getrlimit",
	/* sockets: the vhost-user and control sockets, systemd's notify socket, syslog */
	"socketpair",
	"connect",
	"accept",
	"accept4",
	"sendmsg",
	"recvmsg",
	"sendto",
	"recvfrom",
	"shutdown",
	"getsockopt",
	"setsockopt",
	"getsockname",
	"getpeername",
	NULL,
};

#ifdef VD_SANITIZERS
/*
 * Builds with AddressSanitizer (--enable-sanitizers, the tests' second pass):
 * LeakSanitizer stops the process at exit with a tracer thread (ptrace) that
 * lists /proc/self/task; and the runtime reads its memory maps.
 */
static const char *const sanitizer_syscalls[] = {
	"ptrace",
	"wait4",
	"waitid",
	"getdents",
	"process_vm_readv",
	"kill",
	"sched_setaffinity",
	"mincore",
	"rt_sigtimedwait",
	"pause",
	"getpgid",
	"setpgid",
	"sysinfo",
	NULL,
};
#endif

/*
 * The GPU daemon with --virgl: Mesa's threads (llvmpipe's rasterizers, the
 * shader compiler queue) set their CPU affinity and memory policy and ask for
 * the scheduler's parameters.
 */
static const char *const gpu_syscalls[] = {
	"sched_setaffinity",
	"sched_getscheduler",
	"sched_setscheduler",
	"sched_getparam",
	"get_mempolicy",
	"set_mempolicy",
	"mbind",
	"getcpu",
	"sysinfo",
	"statfs",
	NULL,
};
const DaemonSandbox daemon_sandbox_virgl = { .syscalls = gpu_syscalls };

int
daemon_sandbox_mode_parse(const char *s)
{
	if (!s || g_str_equal(s, "on"))
		return DAEMON_SANDBOX_ON;
	if (g_str_equal(s, "strict"))
		return DAEMON_SANDBOX_STRICT;
	if (g_str_equal(s, "off"))
		return DAEMON_SANDBOX_OFF;
	return -1;
}

/* Adds names to ctx; a name this kernel or libseccomp does not know is skipped. */
static int
allow_syscalls(scmp_filter_ctx ctx, const char *const *names)
{
	for (; names && *names; names++) {
		int nr = seccomp_syscall_resolve_name(*names);
		int ret;

		if (nr == __NR_SCMP_ERROR)
			continue;
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
allow_socket_family(scmp_filter_ctx ctx, int family)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	                        SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)family));
}

/*
 * Landlock: what every daemon may read once it serves. The system's files
 * (libraries loaded late, translations, time zones, drirc, libinput's quirks,
 * udev's hwdb), /proc and /sys (Mesa and udev read them); no home directory,
 * nothing writable.
 */
static const char *const landlock_read_paths[] = {
	"/usr", "/etc", "/proc", "/sys", "/run/udev", NULL,
};

#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE)
/* Every right the headers this was built with know (ABI 1, and REFER of ABI 2). */
#define LL_ABI1                                                           \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |     \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |     \
	 LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |     \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |     \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

static bool landlock_active;

/* Allows access beneath path; a path that does not exist here is no rule. */
static int
landlock_allow(int ruleset, const char *path, uint64_t access, uint64_t handled)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = access & handled };
	int ret;

	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = (int)syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(rule.parent_fd);
	return ret < 0 ? -errno : 0;
}

static int
landlock_allow_all(int ruleset, const char *const *paths, uint64_t access, uint64_t handled)
{
	for (; paths && *paths; paths++) {
		int ret = landlock_allow(ruleset, *paths, access, handled);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Restricts the file system; 0 also where the kernel has no Landlock (said once). */
static int
landlock_enter(const DaemonSandbox *extra)
{
	struct landlock_ruleset_attr attr = { 0 };
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	int ruleset, ret;

	if (abi < 1) {
		g_message("%s", _("This kernel has no Landlock: the daemon's file system view is "
		                  "not restricted (system calls still are)"));
		return 0;
	}
#ifdef VD_SANITIZERS
	/*
	 * Landlock restricts the calling thread and those it creates later, and a
	 * restricted thread cannot ptrace one outside its domain: LeakSanitizer's
	 * tracer could not stop the threads started before (GDBus's worker).
	 */
	return 0;
#endif
	attr.handled_access_fs = LL_ABI1;
#ifdef LANDLOCK_ACCESS_FS_REFER
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
#endif
	ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -errno;
	ret = landlock_allow_all(ruleset, landlock_read_paths, LL_READ, attr.handled_access_fs);
	if (ret == 0 && extra)
		ret = landlock_allow_all(ruleset, extra->rw_paths, LL_READ | LL_WRITE,
		                         attr.handled_access_fs);
	if (ret == 0 && extra)
		ret = landlock_allow_all(ruleset, extra->remove_dirs,
		                         LANDLOCK_ACCESS_FS_REMOVE_FILE, attr.handled_access_fs);
	if (ret == 0 && syscall(__NR_landlock_restrict_self, ruleset, 0) < 0)
		ret = -errno;
	close(ruleset);
	landlock_active = ret == 0;
	return ret;
}

gboolean
daemon_sandbox_landlocked(void)
{
	return landlock_active;
}

gboolean
daemon_sandbox_enter(DaemonSandboxMode mode, const DaemonSandbox *extra, GError **error)
{
	scmp_filter_ctx ctx;
	int ret;

	if (mode == DAEMON_SANDBOX_OFF)
		return TRUE;
	/* Nothing this process executes from now on (nothing, if all goes well) gains rights. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
		            _("Cannot set no_new_privs: %s"), g_strerror(errno));
		return FALSE;
	}
	ret = landlock_enter(extra);
	if (ret < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-ret),
		            _("Cannot restrict the file system (Landlock): %s"), g_strerror(-ret));
		return FALSE;
	}
	ctx = seccomp_init(mode == DAEMON_SANDBOX_STRICT ? SCMP_ACT_KILL_PROCESS
	                                                 : SCMP_ACT_ERRNO(EPERM));
	if (!ctx) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
		            _("Cannot create a seccomp filter"));
		return FALSE;
	}
	/* Every thread (GDBus, llvmpipe) gets the filter, and the kernel logs what it refuses. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	if (ret == 0)
		ret = allow_syscalls(ctx, common_syscalls);
	if (ret == 0 && extra)
		ret = allow_syscalls(ctx, extra->syscalls);
#ifdef VD_SANITIZERS
	if (ret == 0)
		ret = allow_syscalls(ctx, sanitizer_syscalls);
#endif
	if (ret == 0)
		ret = allow_socket_family(ctx, AF_UNIX);
	if (ret == 0 && extra && extra->netlink)
		ret = allow_socket_family(ctx, AF_NETLINK);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-ret),
		            _("Cannot load the seccomp filter: %s"), g_strerror(-ret));
		return FALSE;
	}
	g_debug("sandbox: %s, no_new_privs%s", mode == DAEMON_SANDBOX_STRICT ? "strict" : "on",
	        landlock_active ? ", Landlock" : "");
	return TRUE;
}
