# tests/input
