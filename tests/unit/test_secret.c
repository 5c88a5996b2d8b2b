/* Unit tests for app/secret.c: tokens, their hashes, constant-time
 * equality, argon2id and webhook HMACs. */
#define PARLEY_PURE
#include <string.h>

#include "parley.h"
#include "tap.h"

int
main(void)
{
	char	a[64], b[64], ha[SECRET_HASH_HEX + 1], hb[SECRET_HASH_HEX + 1];
	char	pw[SECRET_PWHASH_MAX];
	size_t	i;
	int	urlsafe = 1;

	ok(secret_init() == 0, "libsodium initialises");
	ok(secret_token("pat_", a, sizeof(a)) == 0 &&
	    strlen(a) == 4 + SECRET_TOKEN_LEN && strncmp(a, "pat_", 4) == 0,
	    "token has the prefix and 43 characters");
	for (i = 4; a[i] != '\0'; i++)
		if (!((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z') ||
		    (a[i] >= '0' && a[i] <= '9') || a[i] == '-' || a[i] == '_'))
			urlsafe = 0;
	ok(urlsafe, "token is URL- and cookie-safe");
	ok(secret_token("pat_", b, sizeof(b)) == 0 && strcmp(a, b) != 0,
	    "two tokens differ");
	ok(secret_token("pat_", a, 20) == -1, "short buffer is refused");

	ok(secret_token_hash("abc", ha) == 0 && strlen(ha) == 64,
	    "token hash is 64 hex characters");
	ok(secret_token_hash("abc", hb) == 0 && strcmp(ha, hb) == 0,
	    "token hash is deterministic");
	ok(secret_token_hash("abd", hb) == 0 && strcmp(ha, hb) != 0,
	    "different tokens hash differently");

	ok(secret_equal("same", "same"), "equal strings are equal");
	ok(!secret_equal("same", "sane"), "different strings differ");
	ok(!secret_equal("same", "same!"), "different lengths differ");
	ok(!secret_equal("", ""), "empty never matches (a missing CSRF token)");

	ok(secret_password_hash("correct horse", pw) == 0 &&
	    strncmp(pw, "$argon2id$", 10) == 0, "password hash is argon2id");
	ok(secret_password_verify(pw, "correct horse"), "right password verifies");
	ok(!secret_password_verify(pw, "correct horsE"), "wrong password fails");
	ok(!secret_password_verify("garbage", "x"), "garbage hash fails");

	/* RFC 4231 test case 2. */
	ok(secret_hmac_sha256_verify("Jefe", "what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
	    "HMAC-SHA256 matches RFC 4231 case 2");
	ok(!secret_hmac_sha256_verify("Jefe", "what do ya want for nothing!", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
	    "a changed body fails");
	ok(!secret_hmac_sha256_verify("Jefe", "x", 1, "abc"),
	    "a short signature fails");
	ok(!secret_hmac_sha256_verify("Jefe", "x", 1, NULL),
	    "a missing signature fails");
	return (done_testing());
}
