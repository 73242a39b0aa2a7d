/* Test classes for dispatch (tests/test_jcvm.c). */
package seam.vmt;

public abstract class Shape {
    protected short size;

    Shape(short size) {
        this.size = size;
    }

    public abstract short area();

    public short sides() {
        return 0;
    }

    public short describe() {
        return (short) (area() + sides());
    }
}
