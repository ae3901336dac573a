/*
 * usersig._fastmint: the Python package's minting call, in C.
 *
 * Signer.user_sig and Signer.private_map_key call usersig_mint / usersig_mint_at
 * (include/usersig.h) through this module instead of ctypes: ctypes converts every argument
 * and builds the parameter struct in Python, which cost about three times the mint itself
 * (BENCHMARKS.md, "The Python package's mint"). Here one call takes Python's objects as they
 * are, fills the struct on the C stack, mints into a stack buffer and returns the str.
 *
 * No library is linked: bind() takes the addresses of usersig_mint and usersig_mint_at in the
 * library that usersig._native loaded (with ctypes), so the handles ctypes made and the calls
 * made here always go to the same library, USERSIG_LIB or not.
 *
 * mint() does only the common case. Whatever it does not take as given (a bool or a float
 * where an int goes, a negative time, a str that is not valid UTF-8, a bytearray, ...) makes
 * it return None without minting, and the caller takes the ctypes path, which checks each
 * argument and raises the typed error. A result code from the library is returned as an int,
 * for the caller to raise as the matching error class.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

#include "usersig.h"

/* The struct is the header's; these are the header's prototypes, as pointer types. */
typedef __typeof__(&usersig_mint) mint_fn;
typedef __typeof__(&usersig_mint_at) mint_at_fn;

static mint_fn mint_now;
static mint_at_fn mint_at;

/* Holds every ordinary token and PrivateMapKey; a longer one is retried on the heap. */
#define STACK_OUT 1024
/* A token minted "now" may grow between two calls (the clock ticks over a digit). */
#define ATTEMPTS 4

/* A str (as its UTF-8), bytes, or None (empty); anything else is not for this path. */
static int borrow_text(PyObject *o, const char **ptr, size_t *len) {
    Py_ssize_t n;
    if (o == Py_None) {
        *ptr = NULL;
        *len = 0;
        return 1;
    }
    if (PyUnicode_CheckExact(o)) {
        /* Cached in the str: no copy. Lone surrogates fail here; the ctypes path then
         * reports them as the library's invalid_utf8. */
        const char *s = PyUnicode_AsUTF8AndSize(o, &n);
        if (s == NULL) {
            PyErr_Clear();
            return 0;
        }
        *ptr = n ? s : NULL;
        *len = (size_t)n;
        return 1;
    }
    if (PyBytes_CheckExact(o)) {
        n = PyBytes_GET_SIZE(o);
        *ptr = n ? PyBytes_AS_STRING(o) : NULL;
        *len = (size_t)n;
        return 1;
    }
    return 0;
}

/* A plain int (no bool, no float) in [0, max]. */
static int borrow_u64(PyObject *o, uint64_t max, int subclasses, uint64_t *out) {
    unsigned long long v;
    if (subclasses ? (!PyLong_Check(o) || PyBool_Check(o)) : !PyLong_CheckExact(o))
        return 0;
    v = PyLong_AsUnsignedLongLong(o);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear(); /* negative, or over 64 bits */
        return 0;
    }
    if (v > max)
        return 0;
    *out = (uint64_t)v;
    return 1;
}

/*
 * mint(handle, kind, identifier, expire, time, userbuf, room_id, string_room, privileges)
 *   handle: the signer's address (int); kind: USERSIG_MINT_*; time: None for now, or an int;
 *   userbuf, string_room: bytes, str or None; room_id, privileges: int.
 * Returns the token (str), a result code (int), or None: take the ctypes path.
 */
static PyObject *fast_mint(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    struct usersig_mint_params p;
    const char *userbuf;
    uint64_t kind, expire, now = 0, room_id = 0, privileges = 0;
    void *handle;
    char stack[STACK_OUT];
    char *out = stack;
    size_t cap = sizeof stack, len = 0;
    int rc = USERSIG_ERR_BUFFER_TOO_SMALL, has_time, attempt;
    PyObject *result;
    (void)self;

    if (nargs != 9) {
        PyErr_Format(PyExc_TypeError, "mint takes 9 arguments (%zd given)", nargs);
        return NULL;
    }
    if (mint_now == NULL || mint_at == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "usersig._fastmint: bind() was not called");
        return NULL;
    }
    memset(&p, 0, sizeof p);
    handle = PyLong_CheckExact(args[0]) ? PyLong_AsVoidPtr(args[0]) : NULL;
    if (handle == NULL) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    has_time = args[4] != Py_None;
    if (!borrow_u64(args[1], 3, 0, &kind) ||
        !borrow_text(args[2], &p.identifier, &p.identifier_len) ||
        !borrow_u64(args[3], UINT64_MAX, 0, &expire) ||
        (has_time && !borrow_u64(args[4], UINT64_MAX, 0, &now)) ||
        !borrow_text(args[5], &userbuf, &p.userbuf_len) ||
        !borrow_u64(args[6], UINT32_MAX, 0, &room_id) ||
        !borrow_text(args[7], &p.string_room, &p.string_room_len) ||
        !borrow_u64(args[8], UINT32_MAX, 1, &privileges))
        Py_RETURN_NONE;
    p.kind = (int32_t)kind;
    p.userbuf = (const uint8_t *)userbuf;
    p.expire = expire;
    p.room_id = (uint32_t)room_id;
    p.privileges = (uint32_t)privileges;

    /* The arguments' buffers stay alive while they are borrowed: the caller holds them. The
     * GIL is released for the mint, as ctypes does: a level-6 mint takes tens of
     * microseconds, and other threads run meanwhile. */
    for (attempt = 0; attempt < ATTEMPTS; attempt++) {
        Py_BEGIN_ALLOW_THREADS
        rc = has_time ? mint_at(handle, &p, now, out, cap, &len) : mint_now(handle, &p, out, cap, &len);
        Py_END_ALLOW_THREADS
        if (rc != USERSIG_ERR_BUFFER_TOO_SMALL)
            break;
        /* len is what the token needs, its NUL included; some slack for a longer clock. */
        if (out != stack)
            PyMem_Free(out);
        cap = len + 64;
        out = PyMem_Malloc(cap);
        if (out == NULL)
            return PyErr_NoMemory();
    }
    if (rc == USERSIG_OK)
        result = PyUnicode_DecodeASCII(out, (Py_ssize_t)len, "strict");
    else
        result = PyLong_FromLong(rc);
    if (out != stack)
        PyMem_Free(out);
    return result;
}

/* bind(address_of_usersig_mint, address_of_usersig_mint_at): once, from usersig.api. The
 * addresses arrive as integers (ctypes' view of them) and become function pointers here. */
static PyObject *bind(PyObject *self, PyObject *args) {
    static uintptr_t bound_a, bound_b;
    unsigned long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "KK:bind", &a, &b))
        return NULL;
    if (a == 0 || b == 0) {
        PyErr_SetString(PyExc_ValueError, "usersig._fastmint.bind: a NULL function");
        return NULL;
    }
    if (bound_a != 0 && (bound_a != (uintptr_t)a || bound_b != (uintptr_t)b)) {
        PyErr_SetString(PyExc_RuntimeError, "usersig._fastmint: already bound to another library");
        return NULL;
    }
    bound_a = (uintptr_t)a;
    bound_b = (uintptr_t)b;
    mint_now = (mint_fn)bound_a;
    mint_at = (mint_at_fn)bound_b;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"mint", (PyCFunction)(void (*)(void))fast_mint, METH_FASTCALL,
     "mint(handle, kind, identifier, expire, time, userbuf, room_id, string_room, privileges)"
     " -> token (str), result code (int), or None: take the ctypes path."},
    {"bind", bind, METH_VARARGS, "bind(usersig_mint, usersig_mint_at): the functions' addresses."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "usersig._fastmint",
    "The minting call of usersig.Signer, in C (see _fastmint.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastmint(void) { return PyModule_Create(&module); }
