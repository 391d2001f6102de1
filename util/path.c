#include "util/path.h"

#include <stdio.h>
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

const char *le_source_path(const char *rel, char *buf, size_t cap)
{
#ifdef LE_SOURCE_DIR
    snprintf(buf, cap, "%s/%s", LE_SOURCE_DIR, rel);
#else
    snprintf(buf, cap, "%s", rel);
#endif
    return buf;
}
