/* Test classes for dispatch (tests/test_jcvm.c). */
package seam.vmt;

public class Circle extends Shape implements Named {
    Circle(short r) {
        super(r);
    }

    public short area() {
        return (short) (3 * size * size);
    }

    public short name() {
        return 42;
    }
}
