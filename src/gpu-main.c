/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-desktop-gpu: a virtio-gpu vhost-user back-end. Shows the guest's
 * displays in QEMU's UI through the GPU socket, or keeps them itself
 * (headless) with screenshots and hotplug over D-Bus.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/listen.h"
#include "gpu/control.h"
#include "gpu/device.h"
#include "gpu/gpu.h"

typedef struct GpuMainOptions {
	int outputs;
	char **output_sizes;
	char *max_hostmem;
	char *control;
	gboolean virgl;
	char *render_node;
	gboolean dmabuf;
} GpuMainOptions;

static void
gpu_main_options_clear(GpuMainOptions *m)
{
	g_clear_pointer(&m->output_sizes, g_strfreev);
	g_clear_pointer(&m->max_hostmem, g_free);
	g_clear_pointer(&m->control, g_free);
	g_clear_pointer(&m->render_node, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(GpuMainOptions, gpu_main_options_clear)

/* The GPU's own options, beside every daemon's (daemon_option_group). */
static void
gpu_add_options(GOptionGroup *group, GpuMainOptions *m)
{
	const GOptionEntry entries[] = {
		{ "outputs", 'o', 0, G_OPTION_ARG_INT, &m->outputs,
		  N_("Number of displays (1 to 16, default 1)"), N_("N") },
		{ "output-size", 0, 0, G_OPTION_ARG_STRING_ARRAY, &m->output_sizes,
		  N_("Preferred size of the next display (default 1280x800); repeatable"),
		  N_("WxH") },
		{ "max-hostmem", 0, 0, G_OPTION_ARG_STRING, &m->max_hostmem,
		  N_("Most host memory the guest's resources may use (default 256M)"),
		  N_("BYTES") },
		{ "control", 0, 0, G_OPTION_ARG_FILENAME, &m->control,
		  N_("Serve the org.vhostdesktop.Gpu1 D-Bus interface on this socket"),
		  N_("PATH") },
		{ "virgl", 0, 0, G_OPTION_ARG_NONE, &m->virgl,
		  N_("3D acceleration through virglrenderer: on the GPU's render node, or on "
		     "the CPU (llvmpipe) when there is none"),
		  NULL },
		{ "render-node", 0, 0, G_OPTION_ARG_FILENAME, &m->render_node,
		  N_("The DRM render node for --virgl (default: the first found); without "
		     "--virgl it is not used"),
		  N_("PATH") },
		{ "dmabuf", 0, 0, G_OPTION_ARG_NONE, &m->dmabuf,
		  N_("Give QEMU the scanouts as dmabufs, not pixels (3D on a GPU, 2D through "
		     "/dev/udmabuf; QEMU needs a GL display)"),
		  NULL },
		G_OPTION_ENTRY_NULL
	};

	/* The group copies the entries. */
	g_option_group_add_entries(group, entries);
}

static gboolean
parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char *end;
	guint64 a, b;

	a = g_ascii_strtoull(s, &end, 10);
	if (end == s || (*end != 'x' && *end != 'X'))
		return FALSE;
	s = end + 1;
	b = g_ascii_strtoull(s, &end, 10);
	if (end == s || *end)
		return FALSE;
	if (a < VD_GPU_MIN_SIZE || a > VD_GPU_MAX_SIZE || b < VD_GPU_MIN_SIZE ||
	    b > VD_GPU_MAX_SIZE)
		return FALSE;
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return TRUE;
}

static gboolean
parse_bytes(const char *s, uint64_t *out)
{
	char *end;
	guint64 v = g_ascii_strtoull(s, &end, 10);
	unsigned int shift = 0;

	if (end == s)
		return FALSE;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (*end || v == 0 || v > (G_MAXUINT64 >> shift))
		return FALSE;
	*out = v << shift;
	return TRUE;
}

static gboolean
gpu_options_apply(const GpuMainOptions *m, VdGpuOptions *opts, GError **error)
{
	guint n_sizes = m->output_sizes ? g_strv_length(m->output_sizes) : 0;
	uint32_t w = VD_GPU_DEFAULT_WIDTH, h = VD_GPU_DEFAULT_HEIGHT;

	if (m->outputs < 1 || m->outputs > (int)VD_GPU_MAX_OUTPUTS) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("--outputs must be between 1 and %u"), VD_GPU_MAX_OUTPUTS);
		return FALSE;
	}
	opts->num_outputs = (unsigned int)m->outputs;
	if (n_sizes > opts->num_outputs) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("%u --output-size options for %u outputs"), n_sizes,
		            opts->num_outputs);
		return FALSE;
	}
	/* The n-th --output-size is output n's; later outputs repeat the last. */
	for (unsigned int i = 0; i < opts->num_outputs; i++) {
		if (i < n_sizes && !parse_size(m->output_sizes[i], &w, &h)) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			            _("Bad --output-size '%s': WIDTHxHEIGHT, each %u to %u"),
			            m->output_sizes[i], VD_GPU_MIN_SIZE, VD_GPU_MAX_SIZE);
			return FALSE;
		}
		opts->width[i] = w;
		opts->height[i] = h;
	}
	opts->dmabuf = m->dmabuf;
	if (m->max_hostmem && !parse_bytes(m->max_hostmem, &opts->max_hostmem)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("Bad --max-hostmem '%s': a byte count, optionally with K, M or G"),
		            m->max_hostmem);
		return FALSE;
	}
	return TRUE;
}

/*
 * --virgl: starts virglrenderer, or says why it cannot; VIRGL is then never
 * offered (QEMU's back-end offers it anyway and the guest's screen stays black).
 */
static VdVirgl *
gpu_virgl_start(const char *render_node, uint64_t max_hostmem, GError **error)
{
	VdVirglOptions vopts;

	vd_virgl_options_init(&vopts);
	vopts.render_node = render_node;
	/* 3D guests allocate far more than 2D ones: --max-hostmem only when given. */
	if (max_hostmem)
		vopts.max_hostmem = max_hostmem;
	return vd_virgl_new(&vopts, error);
}

/*
 * --version; with --verbose the libraries' versions, and with --virgl too the renderer
 * that virglrenderer gets from Mesa (or why it cannot start).
 */
static void
gpu_print_version(const DaemonOptions *dopts, const GpuMainOptions *m)
{
	g_autofree char *pixman = g_strdup_printf("pixman %s", pixman_version_string());
	g_autofree char *renderer = NULL;
	const char *libraries[] = { pixman,
		                    "virglrenderer " VIRGLRENDERER_BUILD_VERSION " (built against)",
		                    "libdrm " LIBDRM_BUILD_VERSION " (built against)", NULL, NULL };

	if (dopts->verbose && m->virgl) {
		g_autoptr(GError) error = NULL;
		g_autoptr(VdVirgl) virgl = gpu_virgl_start(m->render_node, 0, &error);

		renderer = virgl ? g_strdup_printf("3D renderer: %s", vd_virgl_renderer_name(virgl))
		                 : g_strdup_printf("3D renderer: none (%s)", error->message);
		libraries[3] = renderer;
	}
	daemon_print_version(dopts, libraries);
}

/*
 * Whether virglrenderer starts here, asked in a child process: a broken EGL or Mesa
 * setup can crash inside virgl_renderer_init (seen with no EGL vendor file), and
 * --print-capabilities must still answer.
 */
static gboolean
gpu_virgl_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		g_debug("no 3D probe: fork: %s", g_strerror(errno));
		return FALSE;
	}
	if (pid == 0) {
		g_autoptr(GError) error = NULL;
		VdVirgl *virgl = gpu_virgl_start(NULL, 0, &error);

		if (!virgl)
			g_debug("no 3D: %s", error->message);
		/* No cleanup, no atexit handlers: the parent owns stdout. */
		_exit(virgl ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		g_debug("no 3D: starting virglrenderer crashed (signal %d)", WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * libvirt passes --virgl and --render-node only when they are listed, and passes
 * --render-node whenever "render-node" is listed (failing without /dev/dri): list only
 * what this machine can do. Exits 0 whatever the probe found.
 */
static void
gpu_print_capabilities(void)
{
	const char *features[3] = { NULL, NULL, NULL };
	unsigned int n = 0;

	if (gpu_virgl_works()) {
		g_autofree char *node = vd_virgl_find_render_node();

		features[n++] = "virgl";
		if (node)
			features[n++] = "render-node";
	}
	daemon_print_capabilities("gpu", features);
}

/*
 * Mesa's shader cache lives in the user's home, which a confined daemon can
 * neither read nor write: not used then (unless the environment says otherwise).
 */
static void
gpu_sandbox_prepare(const DaemonOptions *dopts)
{
	if (dopts->sandbox_mode != DAEMON_SANDBOX_OFF)
		g_setenv("MESA_SHADER_CACHE_DISABLE", "true", FALSE);
}

/*
 * What renders: virglrenderer with --virgl (fatal if it cannot start), else 2D,
 * with /dev/udmabuf for --dmabuf where the kernel has it.
 */
static gboolean
gpu_renderer_setup(VdGpu *gpu, const GpuMainOptions *m, const VdGpuOptions *gopts, GError **error)
{
	g_autoptr(GError) local = NULL;
	VdVirgl *virgl;

	if (m->render_node && !m->virgl)
		/* libvirt passes --render-node on every host with a GPU, 3D asked or not. */
		g_message(_("--render-node=%s without --virgl: no 3D, the node is not used"),
		          m->render_node);
	if (m->virgl) {
		/* --max-hostmem as gpu_options_apply parsed it, if it was given. */
		virgl = gpu_virgl_start(m->render_node, m->max_hostmem ? gopts->max_hostmem : 0,
		                        error);
		if (!virgl) {
			g_prefix_error(error, "--virgl: ");
			return FALSE;
		}
		vd_gpu_set_virgl(gpu, virgl);
	} else if (m->dmabuf && !vd_gpu_udmabuf_open(gpu, &local)) {
		/* Not fatal: the same QEMU display works with pixels. */
		g_warning(_("--dmabuf: %s: 2D scanouts go to QEMU as pixels (dmabufs need a kernel "
		            "with udmabuf and read-write access to the device)"),
		          local->message);
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	g_autofree char *control_dir = NULL;
	const char *remove_dirs[2] = { NULL, NULL };
	DaemonSandbox sandbox;
	g_auto(DaemonOptions) dopts = { .fd = -1 };
	g_auto(GpuMainOptions) m = { .outputs = 1 };
	VdGpuOptions gopts;
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(VdGpu) gpu = NULL;
	g_autoptr(VdGpuDevice) device = NULL;
	g_autoptr(VdGpuControl) control = NULL;
	GOptionGroup *group;
	int status;

	daemon_init();
	vd_gpu_options_init(&gopts);
	ctx = g_option_context_new(NULL);
	g_option_context_set_summary(ctx, _("A virtio-gpu vhost-user back-end."));
	g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
	group = daemon_option_group(&dopts);
	gpu_add_options(group, &m);
	g_option_context_set_main_group(ctx, group);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) ||
	    !gpu_options_apply(&m, &gopts, &error))
		return daemon_exit_error(error);
	if (dopts.version) {
		gpu_print_version(&dopts, &m);
		return EXIT_SUCCESS;
	}
	if (dopts.print_capabilities) {
		gpu_print_capabilities();
		return EXIT_SUCCESS;
	}
	if (!daemon_options_check(&dopts, &error) ||
	    !daemon_socket_paths_differ(dopts.socket_path, m.control, &error))
		return daemon_exit_error(error);

	gpu_sandbox_prepare(&dopts);
	gpu = vd_gpu_new(&gopts);
	if (!gpu_renderer_setup(gpu, &m, &gopts, &error))
		return daemon_exit_error(error);
	device = vd_gpu_device_new(gpu);
	if (m.control) {
		control =
		        vd_gpu_control_new(gpu, vd_gpu_device_get_vhost(device), m.control, &error);
		if (!control)
			return daemon_exit_error(error);
	}
	/* The control socket's directory: the socket goes at exit. */
	control_dir = m.control ? g_path_get_dirname(m.control) : NULL;
	remove_dirs[0] = control_dir;
	/* Mesa's threads need more than 2D does. */
	sandbox = m.virgl ? daemon_sandbox_virgl : (DaemonSandbox){ 0 };
	sandbox.remove_dirs = remove_dirs;
	dopts.sandbox = &sandbox;
	status = daemon_run(vd_gpu_device_get_vhost(device), &dopts);
	/* The control server goes before the device it points into. */
	g_clear_pointer(&control, vd_gpu_control_free);
	g_clear_pointer(&device, vd_gpu_device_free);
	return status;
}
