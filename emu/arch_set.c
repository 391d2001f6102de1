#include "emu/arch_set.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "chip/arch.h"

le_code le_arch_set_add(le_arch_set *s, const char *kv, le_error *err)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv || !eq[1])
        return le_fail(err, LE_ERR_USAGE, "--set: expected KEY=VALUE (e.g. network.chip_link.latency_ns=40), got '%s'", kv);
    if (s->n == LE_ARCH_SET_MAX)
        return le_fail(err, LE_ERR_USAGE, "--set: at most %d", LE_ARCH_SET_MAX);
    s->set[s->n++] = kv;
    return LE_OK;
}

/* The node at the dotted path under mapping node m, or NULL. */
static yaml_node_t *find(yaml_document_t *d, yaml_node_t *m, const char *path, size_t len)
{
    while (m && len) {
        if (m->type != YAML_MAPPING_NODE)
            return NULL;
        const char *dot = memchr(path, '.', len);
        size_t k = dot ? (size_t)(dot - path) : len;
        yaml_node_t *next = NULL;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            yaml_node_t *key = yaml_document_get_node(d, p->key);
            if (key && key->type == YAML_SCALAR_NODE && key->data.scalar.length == k &&
                !memcmp(key->data.scalar.value, path, k)) {
                next = yaml_document_get_node(d, p->value);
                break;
            }
        }
        m = next;
        if (!dot)
            return m;
        path = dot + 1;
        len -= k + 1;
    }
    return m;
}

le_code le_arch_set_apply(le_arch_set *s, const char *base, const char **out, le_error *err)
{
    if (!base)
        base = le_arch_default_path();
    *out = base;
    if (!s->n)
        return LE_OK;
    FILE *in = fopen(base, "rb");
    if (!in)
        return le_fail(err, LE_ERR_IO, "--set: cannot read %s: %s", base, strerror(errno));
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, in);
    int ok = yaml_parser_load(&parser, &doc);
    yaml_parser_delete(&parser);
    fclose(in);
    if (!ok)
        return le_fail(err, LE_ERR_PARSE, "--set: %s is not valid YAML", base);
    le_code rc = LE_OK;
    for (unsigned i = 0; i < s->n && !rc; i++) {
        const char *eq = strchr(s->set[i], '=');
        yaml_node_t *n = find(&doc, yaml_document_get_root_node(&doc), s->set[i], (size_t)(eq - s->set[i]));
        if (!n && !strncmp(s->set[i], "noc.", 4)) /* noc.X: the network section's X */
            n = find(&doc, find(&doc, yaml_document_get_root_node(&doc), "network", 7), s->set[i] + 4,
                     (size_t)(eq - s->set[i]) - 4);
        if (!n || n->type != YAML_SCALAR_NODE) {
            rc = le_fail(err, LE_ERR_USAGE, "--set %s: %s has no figure %.*s", s->set[i], base,
                         (int)(eq - s->set[i]), s->set[i]);
            break;
        }
        char *v = strdup(eq + 1);
        if (!v) {
            rc = le_fail(err, LE_ERR_NOMEM, "--set: out of memory");
            break;
        }
        free(n->data.scalar.value);
        n->data.scalar.value = (yaml_char_t *)v;
        n->data.scalar.length = strlen(v);
        n->data.scalar.style = YAML_PLAIN_SCALAR_STYLE;
    }
    if (rc) {
        yaml_document_delete(&doc);
        return rc;
    }
    const char *dir = getenv("TMPDIR");
    snprintf(s->tmp, sizeof s->tmp, "%s/loihi-emu-arch-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(s->tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        rc = le_fail(err, LE_ERR_IO, "--set: cannot write a temporary file in %s: %s", dir ? dir : "/tmp", strerror(errno));
        if (fd >= 0)
            close(fd);
        yaml_document_delete(&doc);
        s->tmp[0] = '\0';
        return rc;
    }
    yaml_emitter_t em;
    yaml_emitter_initialize(&em);
    yaml_emitter_set_output_file(&em, f);
    yaml_emitter_set_width(&em, -1);
    yaml_emitter_set_unicode(&em, 1);
    ok = yaml_emitter_open(&em) && yaml_emitter_dump(&em, &doc) && yaml_emitter_close(&em);
    yaml_emitter_delete(&em); /* yaml_emitter_dump deleted the document */
    if (fclose(f) != 0 || !ok)
        return le_fail(err, LE_ERR_IO, "--set: cannot write %s", s->tmp);
    *out = s->tmp;
    return LE_OK;
}

void le_arch_set_cleanup(le_arch_set *s)
{
    if (s->tmp[0])
        unlink(s->tmp);
    s->tmp[0] = '\0';
}
