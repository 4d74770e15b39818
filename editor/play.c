/* play.c — play mode: runs the world's scripts tick by tick in the sandbox.
 * Until the runner (stdlib/) is part of the build, play mode says so. */
#include "editor/ui.h"

int ed_play_start(ed_ui *u)
{
	ed_set_msg(u, true, "play mode is not available in this build");
	return -1;
}

void ed_play_stop(ed_ui *u)
{
	(void)u;
}

void ed_play_key(ed_ui *u, int key)
{
	(void)u;
	(void)key;
}

void ed_play_idle(ed_ui *u)
{
	(void)u;
}

bool ed_play_running(const ed_ui *u)
{
	(void)u;
	return false;
}

void ed_play_panel(ed_ui *u, int y, int x, int h, int w)
{
	(void)u, (void)y, (void)x, (void)h, (void)w;
}

const uint8_t *ed_play_tiles(ed_ui *u, int pi)
{
	return u->m.w->parcels[pi].tiles;
}

int ed_play_entities(ed_ui *u, int pi, const api_entity **out)
{
	(void)u, (void)pi;
	*out = NULL;
	return 0;
}
