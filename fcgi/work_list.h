/* work_list.h - the list endpoints shared by alerts and queries (filters in fcgi/API.md). */
#ifndef CONNECT_WORK_LIST_H
#define CONNECT_WORK_LIST_H

#include "http.h"

/* GET /api/alerts (kind 'a') and GET /api/queries (kind 'q'). */
void work_list_run(http_req *r, char kind);
/* GET /api/cases/{id}/alerts and /queries: every item of the case, newest first. */
void work_case_items(http_req *r, uint64_t case_id, char kind);

#endif
