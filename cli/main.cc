#include <cstdio>

int main(int argc, char** argv) {
  std::fprintf(stderr, "caawatch: not built yet\n");
  return 1;
}
