/* Test interface for dispatch (tests/test_jcvm.c). */
package seam.vmt;

public interface Named {
    short name();
}
