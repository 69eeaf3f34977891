# tests/e2e: end-to-end tests that boot a Debian kernel in QEMU 10 (TCG) with our vhost-user
# devices. lib.sh is the harness; see README.md. VD_SKIP_E2E=1 skips them.
e2e_tests = \
	tests/e2e/boot.sh \
	tests/e2e/gpu-fb.sh \
	tests/e2e/host-notifiers.sh \
	tests/e2e/gpu-virgl.sh \
	tests/e2e/gpu-virgl-mesa.sh \
	tests/e2e/udmabuf.sh \
	tests/e2e/desktop-pixman.sh \
	tests/e2e/desktop-gl.sh \
	tests/e2e/doc-examples.sh
TESTS += $(e2e_tests)
EXTRA_DIST += \
	$(e2e_tests) \
	tests/e2e/lib.sh \
	tests/e2e/guest-lib.sh \
	tests/e2e/build-initramfs.sh \
	tests/e2e/qmp.py \
	tests/e2e/ppm.py \
	tests/e2e/png.py \
	tests/e2e/doc-examples.py \
	tests/e2e/ppm-bands.py \
	tests/e2e/build-debian-root.sh \
	tests/e2e/desktop.sh \
	tests/e2e/ppm-desktop.py \
	tests/e2e/ppm-kmscube.py
# The last screendump of gpu-virgl-mesa.sh, kept as evidence.
CLEANFILES += tests/e2e/gpu-virgl-mesa.ppm tests/e2e/desktop-*.ppm

# The guest image cache (kernel + initramfs) built under the build tree by lib.sh.
# Other fragments can hook into clean-local the same way: a prerequisite, no recipe.
clean-local: clean-local-e2e
clean-local-e2e:
	-rm -rf tests/e2e/cache
.PHONY: clean-local-e2e
