/* Test classes for dispatch (tests/test_jcvm.c). */
package seam.vmt;

public class Square extends Shape {
    Square(short s) {
        super(s);
    }

    public short area() {
        return (short) (size * size);
    }

    public short sides() {
        return 4;
    }
}
