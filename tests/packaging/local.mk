# tests/packaging
