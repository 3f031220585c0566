/* JUnit schema checks shared by the report tests; see junit_check.h. */
#include "junit_check.h"
#include "support.h"

#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>

/* Each <testsuite> of @path as a document of its own, validated against
 * @xsd (Surefire's schema has one testsuite per file). */
void test_validate_junit_suites(const char *path, const char *xsd_name)
{
	const char *shared = test_shared_dir("Surefire schema validation");
	char *xsd = NULL;

	if (!shared)
		return;
	cr_assert(asprintf(&xsd, "%s/schemas/%s", shared, xsd_name) > 0);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(xsd);
	xmlSchemaPtr schema = xmlSchemaParse(pctx);
	xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
	unsigned suites = 0;

	cr_assert_not_null(doc);
	cr_assert_not_null(schema, "%s does not parse", xsd);
	for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlDocPtr one = xmlNewDoc(BAD_CAST "1.0");
		xmlDocSetRootElement(one, xmlDocCopyNode(n, one, 1));
		cr_assert_eq(xmlSchemaValidateDoc(vctx, one), 0, "suite %u of %s is not valid against %s",
			     suites, path, xsd_name);
		xmlFreeDoc(one);
		suites++;
	}
	cr_assert_gt(suites, 0);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctx);
	xmlFreeDoc(doc);
	free(xsd);
}

/* The gitlab profile is junit-10.xsd plus two things GitLab reads and the
 * schema lacks: testcase@file and a testcase's <properties>. Without them
 * it must validate. */
void test_validate_junit_gitlab(const char *path)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	char *stripped = NULL;
	unsigned files = 0, props = 0;

	cr_assert_not_null(doc);
	for (xmlNodePtr s = xmlDocGetRootElement(doc)->children; s; s = s->next)
		for (xmlNodePtr t = s->children; t; t = t->next) {
			if (t->type != XML_ELEMENT_NODE || xmlStrcmp(t->name, BAD_CAST "testcase"))
				continue;
			files += xmlUnsetProp(t, BAD_CAST "file") == 0;
			for (xmlNodePtr k = t->children, next; k; k = next) {
				next = k->next;
				if (k->type == XML_ELEMENT_NODE && !xmlStrcmp(k->name, BAD_CAST "properties")) {
					xmlUnlinkNode(k);
					xmlFreeNode(k);
					props++;
				}
			}
		}
	cr_assert_gt(files, 0, "gitlab: testcases carry file");
	cr_assert_gt(props, 0, "gitlab: testcases carry properties");
	cr_assert(asprintf(&stripped, "%s.stripped.xml", path) > 0);
	cr_assert_geq(xmlSaveFile(stripped, doc), 0);
	xmlFreeDoc(doc);
	test_validate_xml(stripped, "junit-10.xsd");
	free(stripped);
}
