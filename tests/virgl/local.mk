# tests/virgl
