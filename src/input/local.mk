# src/input
