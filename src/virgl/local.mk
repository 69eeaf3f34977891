# src/virgl: 3D through virglrenderer, independent of the vhost queues; the
# GPU device links it and routes commands here when VIRGL is negotiated.
noinst_LIBRARIES += src/virgl/libvdvirgl.a
src_virgl_libvdvirgl_a_SOURCES = \
	src/virgl/virgl.h \
	src/virgl/virgl-private.h \
	src/virgl/renderer.c \
	src/virgl/fence.c \
	src/virgl/capset.c \
	src/virgl/commands.c \
	src/virgl/context.c \
	src/virgl/resource.c
src_virgl_libvdvirgl_a_CFLAGS = $(AM_CFLAGS) $(VIRGL_CFLAGS) $(LIBDRM_CFLAGS) $(FUZZ_CFLAGS)
# What a program linking libvdvirgl.a needs after it.
VIRGL_LIB_LIBS = $(VIRGL_LIBS) $(LIBDRM_LIBS) $(GLIB_LIBS)
