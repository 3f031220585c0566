/* YAML tree: positions, and what it refuses. */
#include "harness/yaml/yaml_tree.h"
#include "support.h"

#include <criterion/criterion.h>
#include <string.h>

static int load(const char *text, struct hil_ynode **root, struct hil_diag *d)
{
	return hil_yaml_load_buffer(root, "t.yaml", text, strlen(text), d);
}

Test(yaml_tree, keeps_line_and_column_of_every_node)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };

	cr_assert_eq(load("a: 1\nlist:\n  - x\n  - {k: v}\n", &root, &d), 0);
	const struct hil_ynode *list = hil_ymap_get(root, "list");
	cr_assert_eq(list->kind, HIL_YNODE_SEQ);
	cr_assert_eq(list->count, 2);
	cr_assert_eq(list->items[1]->line, 4);
	cr_assert_eq(list->items[1]->col, 5);
	cr_assert_str_eq(hil_ymap_get(list->items[1], "k")->text, "v");
	hil_ynode_free(root);
}

Test(yaml_tree, hex_and_words_stay_text)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };

	cr_assert_eq(load("bl: 0x91\nrev: --\nq: \"0x91\"\n", &root, &d), 0);
	cr_assert_str_eq(hil_ymap_get(root, "bl")->text, "0x91");
	cr_assert(!hil_ymap_get(root, "bl")->quoted);
	cr_assert(hil_ymap_get(root, "q")->quoted);
	cr_assert_str_eq(hil_ymap_get(root, "rev")->text, "--");
	hil_ynode_free(root);
}

Test(yaml_tree, syntax_error_has_position)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };

	cr_assert_lt(load("a: 1\nb: [1, 2\nc: 3\n", &root, &d), 0);
	cr_assert_null(root);
	cr_assert_eq(d.count, 1);
	cr_assert(strncmp(d.lines[0], "t.yaml:3:", 9) == 0, "%s", d.lines[0]);
	cr_assert(strstr(d.lines[0], "invalid YAML"), "%s", d.lines[0]);
	hil_diag_clear(&d);
}

Test(yaml_tree, duplicate_key_is_refused_at_the_second_key)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };

	cr_assert_lt(load("a: 1\nb: 2\na: 3\n", &root, &d), 0);
	cr_assert(test_diag_has(&d, "t.yaml:3:1: duplicate key 'a'"), "%s", test_diag_text(&d));
	hil_diag_clear(&d);
}

Test(yaml_tree, aliases_are_refused)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };

	cr_assert_lt(load("a: &x 1\nb: *x\n", &root, &d), 0);
	cr_assert(test_diag_has(&d, "not supported"), "%s", test_diag_text(&d));
	hil_diag_clear(&d);
}

Test(yaml_tree, deep_nesting_is_bounded)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };
	char text[400];

	memset(text, '[', 200);
	text[200] = '\0';
	cr_assert_lt(load(text, &root, &d), 0);
	cr_assert(test_diag_has(&d, "nesting too deep"), "%s", test_diag_text(&d));
	hil_diag_clear(&d);
}

Test(yaml_tree, empty_document_is_an_empty_map)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };

	cr_assert_eq(load("", &root, &d), 0);
	cr_assert_eq(root->kind, HIL_YNODE_MAP);
	cr_assert_eq(root->count, 0);
	hil_ynode_free(root);
}

Test(yaml_tree, missing_file_names_the_path)
{
	struct hil_ynode *root = NULL;
	struct hil_diag d = { 0 };

	cr_assert_lt(hil_yaml_load_file(&root, "/nonexistent/rack.yaml", &d), 0);
	cr_assert(test_diag_has(&d, "/nonexistent/rack.yaml: cannot open"), "%s", test_diag_text(&d));
	hil_diag_clear(&d);
}
