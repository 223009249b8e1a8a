
/*
 * ngx_proxies [extension]: the named records of breakers and slot groups
 * at configuration, before they are bound to their shared zones (see
 * ngx_http_proxies_shm_add() in slots.c).  Apart from slots.c so the
 * unit tests link the same code.
 */


#include "ngx_http_proxies_ext.h"


/* a new breaker or slot group, of size bytes, in *items */

void *
ngx_http_proxies_shm_item_add(ngx_pool_t *pool, ngx_array_t **items,
    size_t size, ngx_str_t *name)
{
    ngx_http_proxies_shm_item_t  *item, **p;

    if (*items == NULL) {
        *items = ngx_array_create(pool, 4, sizeof(void *));
        if (*items == NULL) {
            return NULL;
        }
    }

    item = ngx_pcalloc(pool, size);
    p = ngx_array_push(*items);
    if (item == NULL || p == NULL) {
        return NULL;
    }

    *p = item;
    item->name = *name;

    return item;
}


/* a breaker or a slot group by name; items may be NULL */

void *
ngx_http_proxies_shm_find(ngx_array_t *items, ngx_str_t *name)
{
    ngx_uint_t                     i;
    ngx_http_proxies_shm_item_t  **item;

    if (items == NULL) {
        return NULL;
    }

    item = items->elts;

    for (i = 0; i < items->nelts; i++) {
        if (item[i]->name.len == name->len
            && ngx_strncmp(item[i]->name.data, name->data, name->len) == 0)
        {
            return item[i];
        }
    }

    return NULL;
}
