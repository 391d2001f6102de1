#include "util/path.h"

#include <stdlib.h>

const char *le_data_dir(const char *option)
{
    if (option && option[0])
        return option;
    const char *env = getenv("LE_DATA_DIR");
    if (env && env[0])
        return env;
#ifdef LE_SOURCE_DIR
    return LE_SOURCE_DIR "/data";
#else
    return "data";
#endif
}
