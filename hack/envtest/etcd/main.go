// Command etcd is upstream etcd, built from go.etcd.io/etcd/server/v3 so that
// envtest runs on machines that cannot download release binaries.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
