package manifests

import "testing"

func TestDecode(t *testing.T) {
	objs, err := Decode([]byte("---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].GetName() != "a" || objs[1].GetKind() != "Namespace" {
		t.Fatalf("got %d objects", len(objs))
	}
	if _, err := Decode([]byte("apiVersion: v1\nkind: [\n")); err == nil {
		t.Fatal("malformed YAML must be an error")
	}
}
