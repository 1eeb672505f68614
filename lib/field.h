/*
 * field.h - the field dictionary: one table that names every record field.
 *
 * Each field has a Splunk/CIM name (process_name), the NVM collector's key
 * (pn), optional further aliases, a type that says how wire bytes become
 * text, and zero or more IPFIX elements (enterprise number, element id) that
 * carry it. A rule may name a field by any of its names.
 *
 * The built-in table follows ELEMENTS.md. An operator extends or overrides it
 * at start-up (field_dict_map()) without a rebuild; once records are being
 * built from a dictionary it must not change (build a new one to reload).
 */
#ifndef NVMWATCH_FIELD_H
#define NVMWATCH_FIELD_H

#include <stddef.h>
#include <stdint.h>

#define FIELD_PEN_CISCO		9
#define FIELD_NONE		(-1)

enum field_type {
	FIELD_UINT,		/* unsigned integer, 1 to 8 octets */
	FIELD_STRING,		/* UTF-8 text, kept byte for byte */
	FIELD_ADDR,		/* 4 or 16 octets, printed as IPv4 / IPv6 text */
	FIELD_HEX,		/* octetArray, printed as upper-case hex */
	FIELD_TIME_SEC,		/* dateTimeSeconds */
	FIELD_TIME_MS,		/* dateTimeMilliseconds */
	FIELD_STRING_LIST,	/* basicList (or collector list) of strings */
	FIELD_HEX_LIST,		/* basicList of octetArrays, as hex */
};

/* Field flags. */
#define FIELD_DERIVED	0x01	/* computed from other fields, never on the wire */
#define FIELD_MULTI	0x02	/* multivalue */
#define FIELD_NUMERIC	0x04	/* value is a number (JSON number) */
#define FIELD_META	0x08	/* record metadata (_time, sourcetype, ...) */

/*
 * The built-in fields, in table order: their indices are stable, so code
 * that computes derived fields names them directly. Fields added from
 * configuration get indices from FIELD_BUILTIN_COUNT on.
 */
enum field_id {
	F_TIME,			/* _time */
	F_SOURCETYPE,
	F_PROTOCOL,		/* pr */
	F_TRANSPORT,
	F_SRC,			/* sa */
	F_SRC_PORT,
	F_DEST,			/* da */
	F_DEST_PORT,
	F_FLOW_START,		/* fss */
	F_FLOW_END,		/* fes */
	F_FLOW_START_MS,	/* fsms */
	F_FLOW_END_MS,		/* fems */
	F_HOST,			/* vsn */
	F_UDID,
	F_LOGGED_IN_USER,	/* liuid */
	F_LOGGED_IN_USER_AUTHORITY,
	F_LOGGED_IN_USER_PRINCIPAL,
	F_LOGGED_IN_USER_ACCOUNT_TYPE,
	F_OS_NAME,
	F_OS_VERSION,
	F_OS_EDITION,
	F_SYSTEM_MANUFACTURER,
	F_SYSTEM_TYPE,
	F_PROCESS_ACCOUNT,
	F_PROCESS_ACCOUNT_AUTHORITY,
	F_PROCESS_ACCOUNT_PRINCIPAL,
	F_PROCESS_ACCOUNT_TYPE,
	F_PARENT_PROCESS_ACCOUNT,
	F_PARENT_PROCESS_ACCOUNT_AUTHORITY,
	F_PARENT_PROCESS_ACCOUNT_PRINCIPAL,
	F_PARENT_PROCESS_ACCOUNT_TYPE,
	F_PROCESS_NAME,
	F_PARENT_PROCESS_NAME,
	F_PROCESS_HASH,
	F_PARENT_PROCESS_HASH,
	F_PROCESS_ID,
	F_PARENT_PROCESS_ID,
	F_PROCESS_PATH,
	F_PARENT_PROCESS_PATH,
	F_PROCESS_ARGUMENTS,
	F_PARENT_PROCESS_ARGUMENTS,
	F_PROCESS_INTEGRITY_LEVEL,
	F_PARENT_PROCESS_INTEGRITY_LEVEL,
	F_DNS_SUFFIX,
	F_DEST_HOSTNAME,
	F_BYTES_IN,
	F_BYTES_OUT,
	F_BYTES,
	F_MODULE_NAME_LIST,
	F_MODULE_HASH_LIST,
	F_INTERFACE_ID,		/* iid: links a flow to its interface */
	F_INTERFACE_INDEX,
	F_INTERFACE_TYPE,
	F_INTERFACE_NAME,
	F_INTERFACE_DETAILS,
	F_INTERFACE_MAC,
	F_AGENT_VERSION,
	F_ALIUL,
	F_DIRECTION,		/* fd */
	F_FLOW_REPORT_STAGE,	/* fsg */
	F_HTTP_HOST,		/* hh */
	F_HTTP_METHOD,		/* hm */
	F_URI_PATH,		/* ht */
	F_PROCESS_GUID,		/* puid */
	F_EVENT_UUID,		/* eveuuid */
	F_FORMAT_VERSION,	/* fv */
	F_FLOW_START_TEXT,	/* fst */
	F_FLOW_END_TEXT,	/* fet */
	F_USER,			/* pa, else liuid */
	F_PROCESS,		/* command line: ppath (else pn), parg */
	F_PARENT_PROCESS,	/* pppath (else ppn), pparg */
	FIELD_BUILTIN_COUNT
};

struct field_def {
	const char	*name;		/* CIM name; never NULL */
	const char	*key;		/* collector key or NULL */
	const char	*alias;		/* one more accepted name or NULL */
	enum field_type	 type;
	unsigned	 flags;
};

struct field_dict;

/* Parse error, for field_dict_map() callers that report to an operator. */
struct field_error {
	char	msg[160];
};

/* A dictionary holding the built-in table; NULL on allocation failure. */
struct field_dict	*field_dict_new(void);
void			 field_dict_free(struct field_dict *);

/* Number of fields; record value arrays are this long. */
int			 field_dict_count(const struct field_dict *);
/* The definition of field i (0 <= i < count); borrowed from the dict. */
const struct field_def	*field_dict_get(const struct field_dict *, int i);
/*
 * The field named name (CIM name, key or alias; case-sensitive, as SPL
 * field names are), or FIELD_NONE.
 */
int			 field_dict_lookup(const struct field_dict *,
			    const char *name, size_t len);
/*
 * The field a collector line's key names, or FIELD_NONE: the field whose
 * collector key is exactly key, or, for a field without a collector key
 * that is neither FIELD_DERIVED nor FIELD_META, its CIM name (udid,
 * aliul, agent_version, fields added by field_dict_map()). Aliases and
 * the CIM names of keyed fields are not keys; derived fields never are.
 */
int			 field_dict_lookup_key(const struct field_dict *,
			    const char *key, size_t len);
/* The field carried by IPFIX element pen.id, or FIELD_NONE. */
int			 field_dict_element(const struct field_dict *,
			    uint32_t pen, uint16_t id);

/*
 * Calls fn for every element the dictionary maps (built-in and mapped), in
 * (pen, id) order, with the field it carries. Returns the number of calls.
 */
int			 field_dict_elements(const struct field_dict *,
			    void (*fn)(uint32_t pen, uint16_t id, int field,
			    void *), void *arg);

/*
 * Maps element pen.id to the field called name. When no field has that
 * name, a new one is created with name as both its CIM name and key.
 * type sets the field's type when it is new, or overrides it. An element
 * mapped before is re-pointed (the override wins). Returns the field index,
 * or -1 with err filled (bad type, id 0, out of memory).
 */
int			 field_dict_map(struct field_dict *, uint32_t pen,
			    uint16_t id, const char *name, enum field_type type,
			    struct field_error *err);
/* The type named by s ("uint", "string", "addr", ...), or -1. */
int			 field_type_parse(const char *s);
const char		*field_type_name(enum field_type);

#endif
