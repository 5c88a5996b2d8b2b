/*
 * Secrets: random tokens and their stored hashes, argon2id password hashes,
 * constant-time comparison and webhook HMACs. The only file that includes
 * sodium.h. Pure (no Kore) so that the unit tests exercise it directly.
 */
#define PARLEY_PURE
#include <string.h>

#include <sodium.h>

#include "parley.h"

int
secret_init(void)
{
	return (sodium_init() < 0 ? -1 : 0);
}

int
secret_token(const char *prefix, char *out, size_t outlen)
{
	unsigned char	raw[32];
	size_t		plen = strlen(prefix);

	if (outlen < plen + SECRET_TOKEN_LEN + 1)
		return (-1);
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, outlen - plen, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return (0);
}

int
secret_token_hash(const char *token, char out[SECRET_HASH_HEX + 1])
{
	unsigned char	h[32];

	if (crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	    strlen(token), NULL, 0) != 0)
		return (-1);
	sodium_bin2hex(out, SECRET_HASH_HEX + 1, h, sizeof(h));
	return (0);
}

int
secret_equal(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);

	if (la != lb || la == 0)
		return (0);
	return (sodium_memcmp(a, b, la) == 0);
}

int
secret_password_hash(const char *pw, char out[SECRET_PWHASH_MAX])
{
	if (SECRET_PWHASH_MAX < crypto_pwhash_STRBYTES)
		return (-1);
	return (crypto_pwhash_str_alg(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1);
}

int
secret_password_verify(const char *hash, const char *pw)
{
	return (crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0);
}

int
secret_hmac_sha256_verify(const char *key, const void *body, size_t len,
    const char *hexsig)
{
	unsigned char	mac[crypto_auth_hmacsha256_BYTES];
	char		hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
	crypto_auth_hmacsha256_state st;
	int		ok;

	if (hexsig == NULL || strlen(hexsig) != sizeof(hex) - 1)
		return (0);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key,
	    strlen(key));
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	/* Lower-case only: the contract writes <hex> as sodium does. */
	ok = sodium_memcmp(hex, hexsig, sizeof(hex) - 1) == 0;
	sodium_memzero(mac, sizeof(mac));
	return (ok);
}

void
secret_wipe(void *p, size_t len)
{
	sodium_memzero(p, len);
}
