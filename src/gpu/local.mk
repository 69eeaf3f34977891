# src/gpu: the virtio-gpu device and its daemon
# The command set that the 2D device and src/virgl both decode against.
noinst_LIBRARIES += src/gpu/libvdgpuproto.a
src_gpu_libvdgpuproto_a_SOURCES = src/gpu/command.h src/gpu/protocol.c
src_gpu_libvdgpuproto_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)

noinst_LIBRARIES += src/gpu/libvdgpu.a
src_gpu_libvdgpu_a_SOURCES = \
	src/gpu/virgl-display.c \
	src/gpu/dmabuf.h \
	src/gpu/dmabuf.c \
	src/gpu/gpu.h \
	src/gpu/gpu-private.h \
	src/gpu/display.h \
	src/gpu/gpu.c \
	src/gpu/command.h \
	src/gpu/command.c \
	src/gpu/resource-2d.c \
	src/gpu/scanout.c \
	src/gpu/edid.c \
	src/gpu/cursor.c \
	src/gpu/headless.c \
	src/gpu/png.c \
	src/gpu/qemu-socket.h \
	src/gpu/qemu-socket.c \
	src/gpu/device.h \
	src/gpu/device.c \
	src/gpu/control.h \
	src/gpu/control.c
nodist_src_gpu_libvdgpu_a_SOURCES = src/gpu/gpu-dbus-xml.h
src_gpu_libvdgpu_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/src
src_gpu_libvdgpu_a_CFLAGS = $(AM_CFLAGS) $(PIXMAN_CFLAGS) $(PNG_CFLAGS) $(LIBDRM_CFLAGS) \
	$(FUZZ_CFLAGS)
CLEANFILES += src/gpu/gpu-dbus-xml.h
dist_dbusinterface_DATA += data/org.vhostdesktop.Gpu1.xml
src/gpu/libvdgpu_a-control.$(OBJEXT): src/gpu/gpu-dbus-xml.h

# The D-Bus interface description, compiled in from data/ (one source of truth).
src/gpu/gpu-dbus-xml.h: $(top_srcdir)/data/org.vhostdesktop.Gpu1.xml
	$(AM_V_GEN)$(MKDIR_P) src/gpu && \
	{ echo 'static const char vd_gpu_dbus_xml[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@.tmp && mv $@.tmp $@

bin_PROGRAMS += src/vhost-desktop-gpu
src_vhost_desktop_gpu_SOURCES = src/gpu-main.c
src_vhost_desktop_gpu_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/src
src_vhost_desktop_gpu_CFLAGS = $(AM_CFLAGS) $(PIXMAN_CFLAGS)
src_vhost_desktop_gpu_LDADD = src/gpu/libvdgpu.a src/virgl/libvdvirgl.a \
	src/gpu/libvdgpuproto.a src/daemon/libdaemon.a src/vhost/libvhost.a $(VIRGL_LIB_LIBS) \
	$(GLIB_LIBS) $(PIXMAN_LIBS) $(PNG_LIBS) $(SECCOMP_LIBS)
