# src/virgl
