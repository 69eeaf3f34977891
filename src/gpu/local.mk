# src/gpu
