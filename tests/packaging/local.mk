# tests/packaging: systemd units, vhost-user descriptors, man pages, translations.
packaging_tests = \
	tests/packaging/units.sh \
	tests/packaging/descriptors.sh \
	tests/packaging/man.sh \
	tests/packaging/po.sh \
	tests/packaging/gdbus-cli.sh \
	tests/packaging/version.sh \
	tests/packaging/capabilities.sh \
	tests/packaging/format.sh
TESTS += $(packaging_tests)
EXTRA_DIST += $(packaging_tests) tests/packaging/activate.py

# The TAP wrapper of every GTest program (LOG_COMPILER in the top Makefile.am), so that
# make distcheck can run the tests from the tarball.
EXTRA_DIST += tests/run-gtest.sh
