#include "caa/caa_answer.h"
