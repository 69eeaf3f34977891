# tests/packaging: systemd units, vhost-user descriptors, man pages, translations.
packaging_tests = \
	tests/packaging/units.sh \
	tests/packaging/descriptors.sh \
	tests/packaging/man.sh \
	tests/packaging/po.sh
TESTS += $(packaging_tests)
EXTRA_DIST += $(packaging_tests) tests/packaging/activate.py
