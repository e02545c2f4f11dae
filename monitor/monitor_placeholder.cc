namespace caawatch::monitor {}
