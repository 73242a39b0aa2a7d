/* A public static reference another package can read (firewall test, tests/test_jcvm.c). */
package seam.vmt;

public class Store {
    public static byte[] shared;
}
