# contrib
# bench-gpu: GPU back-ends side by side (ours and QEMU's); built by make, not a test.
noinst_PROGRAMS += contrib/bench-gpu
contrib_bench_gpu_SOURCES = contrib/bench-gpu.c contrib/bench-guest.h
contrib_bench_gpu_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/frontend \
	-DBENCH_OURS=\"$(abs_top_builddir)/src/vhost-desktop-gpu\"
contrib_bench_gpu_LDADD = tests/frontend/libvfe.a $(GLIB_LIBS)
EXTRA_DIST += contrib/quick-start.sh contrib/install-deps.sh contrib/debian-sources.sh \
	contrib/fresh-machine-check.sh contrib/stress-long.sh contrib/libvirt-check.sh \
	contrib/debian-package.sh contrib/reproducible-check.sh contrib/debian \
	contrib/dist-tarball.sh \
	contrib/rpm-package.sh contrib/vhost-desktop.spec contrib/rpmlint.toml
# bench-virgl: the 3D path (--virgl) through a back-end process; built by make, not a test.
noinst_PROGRAMS += contrib/bench-virgl
contrib_bench_virgl_SOURCES = contrib/bench-virgl.c contrib/bench-guest.h
contrib_bench_virgl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/frontend \
	-I$(top_srcdir)/tests/virgl -DBENCH_OURS=\"$(abs_top_builddir)/src/vhost-desktop-gpu\"
contrib_bench_virgl_CFLAGS = $(AM_CFLAGS) $(PIXMAN_CFLAGS)
contrib_bench_virgl_LDADD = tests/frontend/libvfe.a $(GLIB_LIBS)
