// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal printf. Formatting goes through an output callback so the
 * same engine serves the console (printf) and buffers (snprintf).
 */
#include "console.h"
#include "printf.h"
#include "string.h"

struct out {
	void (*put)(struct out *o, char c);
	char *buf;
	size_t size;
	size_t len;
};

struct spec {
	bool left;
	bool zero;
	bool alt;
	char sign;
	int width;
	int prec;
	int size;	/* -2 hh, -1 h, 0 int, 1 long, 2 long long/size_t */
};

static void emit(struct out *o, char c)
{
	o->put(o, c);
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static void emit_str(struct out *o, const char *s, const struct spec *sp)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->prec < 0 || len < sp->prec))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		emit(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void emit_num(struct out *o, u64 v, bool neg, int base, bool upper,
		     const struct spec *sp, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = strlen(prefix), signlen, fill;
	char sign = neg ? '-' : sp->sign;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	signlen = sign ? 1 : 0;
	fill = sp->width - n - plen - signlen;
	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	if (sign)
		emit(o, sign);
	while (*prefix)
		emit(o, *prefix++);
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	while (n)
		emit(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

static u64 arg_unsigned(va_list *ap, int size)
{
	switch (size) {
	case -2:
		return (u8)va_arg(*ap, unsigned int);
	case -1:
		return (u16)va_arg(*ap, unsigned int);
	case 0:
		return va_arg(*ap, unsigned int);
	default:
		return va_arg(*ap, unsigned long);
	}
}

static s64 arg_signed(va_list *ap, int size)
{
	switch (size) {
	case -2:
		return (s8)va_arg(*ap, int);
	case -1:
		return (s16)va_arg(*ap, int);
	case 0:
		return va_arg(*ap, int);
	default:
		return va_arg(*ap, long);
	}
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+' || *f == ' ')
			sp->sign = *f;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + *f++ - '0';
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + *f++ - '0';
	}
	for (;; f++) {
		if (*f == 'l' || *f == 'z')
			sp->size = sp->size < 1 ? 1 : 2;
		else if (*f == 'h')
			sp->size = sp->size == 0 ? -1 : -2;
		else
			break;
	}
	return f;
}

static void format(struct out *o, const char *f, va_list ap)
{
	struct spec sp;
	s64 sv;

	for (; *f; f++) {
		if (*f != '%') {
			emit(o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &ap);
		switch (*f) {
		case 'd':
		case 'i':
			sv = arg_signed(&ap, sp.size);
			emit_num(o, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10,
				 false, &sp, "");
			break;
		case 'u':
			emit_num(o, arg_unsigned(&ap, sp.size), false, 10,
				 false, &sp, "");
			break;
		case 'x':
		case 'X':
			emit_num(o, arg_unsigned(&ap, sp.size), false, 16,
				 *f == 'X', &sp, sp.alt ? "0x" : "");
			break;
		case 'o':
			emit_num(o, arg_unsigned(&ap, sp.size), false, 8,
				 false, &sp, sp.alt ? "0" : "");
			break;
		case 'p':
			emit_num(o, (u64)va_arg(ap, void *), false, 16, false,
				 &sp, "0x");
			break;
		case 's':
			emit_str(o, va_arg(ap, const char *), &sp);
			break;
		case 'c':
			emit(o, (char)va_arg(ap, int));
			break;
		case '%':
			emit(o, '%');
			break;
		case '\0':
			return;
		default:
			emit(o, '%');
			emit(o, *f);
			break;
		}
	}
}

static void put_buf(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .put = put_buf, .buf = buf, .size = size };

	format(&o, fmt, ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void put_console(struct out *o __unused, char c)
{
	console_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
	struct out o = { .put = put_console };

	console_lock();
	format(&o, fmt, ap);
	console_unlock();
	return o.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_lock();
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	console_unlock();
	va_end(ap);
}
