# contrib
# bench-gpu: GPU back-ends side by side (ours and QEMU's); built by make, not a test.
noinst_PROGRAMS += contrib/bench-gpu
contrib_bench_gpu_SOURCES = contrib/bench-gpu.c
contrib_bench_gpu_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/frontend \
	-DBENCH_OURS=\"$(abs_top_builddir)/src/vhost-desktop-gpu\"
contrib_bench_gpu_LDADD = tests/frontend/libvfe.a $(GLIB_LIBS)
EXTRA_DIST += contrib/quick-start.sh
