package national

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// MediaType is the JWS's typ header: what the signed payload is.
const MediaType = "datashare-national-catalog+json"

// Signer signs the catalog with the key the province configures, as a JWS
// in compact serialization. The key never leaves it: only the public key
// is published.
type Signer struct {
	signer jose.Signer
	public jose.JSONWebKey
}

// NewSigner reads a private key in PEM (PKCS #8, or SEC 1 for an EC key,
// or PKCS #1 for RSA): ECDSA P-256 signs with ES256, Ed25519 with EdDSA,
// RSA of 2048 bits or more with PS256. The key id is the public key's JWK
// thumbprint (RFC 7638), which the receiver can compare with the one the
// province gave it. The error never quotes the key.
func NewSigner(pemBytes []byte) (*Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("the signing key is not PEM: give a private key file that begins with -----BEGIN PRIVATE KEY-----")
	}
	key, err := parsePrivateKey(block)
	if err != nil {
		return nil, err
	}
	var alg jose.SignatureAlgorithm
	var public crypto.PublicKey
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("the signing key is ECDSA on %s: use P-256 (ES256), Ed25519 or RSA of 2048 bits or more", k.Curve.Params().Name)
		}
		alg, public = jose.ES256, &k.PublicKey
	case ed25519.PrivateKey:
		alg, public = jose.EdDSA, k.Public()
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("the signing key is RSA of %d bits: use at least 2048", k.N.BitLen())
		}
		alg, public = jose.PS256, &k.PublicKey
	default:
		return nil, fmt.Errorf("the signing key is a %T: use ECDSA P-256, Ed25519 or RSA", key)
	}
	jwk := jose.JSONWebKey{Key: public, Algorithm: string(alg), Use: "sig"}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: jwk.KeyID}},
		(&jose.SignerOptions{}).WithType(MediaType).WithContentType("json"))
	if err != nil {
		return nil, err
	}
	return &Signer{signer: signer, public: jwk}, nil
}

func parsePrivateKey(block *pem.Block) (any, error) {
	if key, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	if key, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	return nil, fmt.Errorf("the signing key (PEM block %q) is not a private key in PKCS #8, SEC 1 or PKCS #1", block.Type)
}

// KeyID is the public key's thumbprint.
func (s *Signer) KeyID() string { return s.public.KeyID }

// Sign returns the catalog as a compact JWS.
func (s *Signer) Sign(c Catalog) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	jws, err := s.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// PublicKeys is the JWK Set of the public key, for a receiver to check the
// signature with.
func (s *Signer) PublicKeys() ([]byte, error) {
	return json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{s.public}})
}

// Verify checks a compact JWS against a JWK Set and returns the catalog it
// carries: what a receiver does.
func Verify(compact string, keys []byte) (Catalog, error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(keys, &set); err != nil {
		return Catalog{}, fmt.Errorf("the public keys are not a JWK Set: %w", err)
	}
	jws, err := jose.ParseSignedCompact(compact, []jose.SignatureAlgorithm{jose.ES256, jose.EdDSA, jose.PS256})
	if err != nil {
		return Catalog{}, err
	}
	if len(jws.Signatures) != 1 {
		return Catalog{}, errors.New("the catalog must carry exactly one signature")
	}
	keyID := jws.Signatures[0].Header.KeyID
	found := set.Key(keyID)
	if len(found) == 0 {
		return Catalog{}, fmt.Errorf("no public key has the id %q the catalog was signed with", keyID)
	}
	payload, err := jws.Verify(found[0])
	if err != nil {
		return Catalog{}, err
	}
	var c Catalog
	if err := json.Unmarshal(payload, &c); err != nil {
		return Catalog{}, err
	}
	if c.Format != Format {
		return Catalog{}, fmt.Errorf("the catalog's format is %q, want %q", c.Format, Format)
	}
	return c, nil
}
